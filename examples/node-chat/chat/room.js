// A chat room in this instance's memory: the last HISTORY messages and the members who joined.
// Lever keeps every call for one room on this instance, so no other copy exists.
const HISTORY = 100;

class Room {
  constructor() {
    this._history = [];
    this._members = new Map(); // member -> send(message)
    this._lastSeq = 0;
  }

  /** Adds a message and hands it to every member; returns it. */
  post(user, text) {
    const message = { seq: ++this._lastSeq, user, text, time: Date.now() };
    this._history.push(message);
    if (this._history.length > HISTORY) this._history.shift();
    for (const send of this._members.values()) send(message);
    return message;
  }

  history() {
    return [...this._history];
  }

  members() {
    return [...this._members.keys()].map((member) => member.user);
  }

  /** A new member: send(message) gets the history, then each message posted until it leaves. */
  join(user, send) {
    const member = { user, leave: () => this._members.delete(member) };
    this._history.forEach(send);
    this._members.set(member, send);
    return member;
  }
}

module.exports = { Room, HISTORY };
