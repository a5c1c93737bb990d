// Chat rooms, each a Lever resource: every call for /chat/<room>/<method> reaches the one instance
// holding that room, so its history and members live in plain memory here. The resource (the
// room) comes first in each call, right after the stream in a streaming method.
//   post(user, text)   adds a message (its text cleaned by the moderator service), answers it
//   history(), members()
//   joinChan(user)     a full-duplex stream: the history, then every message posted to the room;
//                      each message the client sends on it is posted as user
const leveros = require('leveros');
const { Room } = require('./room');

const rooms = new Map();
const lever = new leveros.Client();

/** Lever calls this before the first call for a room reaches this instance. */
function NewResource(room, callback) {
  rooms.set(room, new Room());
  callback(null, null);
}

/** Lever calls this once a room had no call for resourceIdleTimeout (lever.json). */
function CloseResource(room, callback) {
  rooms.delete(room);
  callback(null, null);
}

async function post(room, user, text) {
  const cleaned = await moderated(text);
  return roomNamed(room).post(user, cleaned);
}

async function history(room) {
  return roomNamed(room).history();
}

async function members(room) {
  return roomNamed(room).members();
}

function joinChan(stream, room, user) {
  let member;
  try {
    member = roomNamed(room).join(user, (message) => stream.write(message));
  } catch (err) {
    stream.sendError(err);
    stream.end();
    return;
  }
  const leave = () => {
    member.leave();
    stream.end();
  };
  // Each message waits for the one before it, so the room sees them in the order they were sent.
  let previous = Promise.resolve();
  stream.on('data', (text) => {
    previous = previous
      .then(() => moderated(text))
      .then((cleaned) => roomNamed(room).post(user, cleaned))
      .catch((err) => stream.sendError(err));
  });
  stream.on('end', leave);
  stream.on('error', leave);
}

/** The text as the moderator service cleans it: one Lever call, to wherever it runs. */
function moderated(text) {
  return lever.service(process.env.LEVEROS_ENVIRONMENT, 'moderator').invoke('clean', String(text));
}

function roomNamed(name) {
  if (typeof name !== 'string' || name === '') {
    throw new Error('name a room: call /chat/<room>/<method>');
  }
  const room = rooms.get(name);
  if (!room) throw new Error('room ' + name + ' is not open on this instance');
  return room;
}

module.exports = { NewResource, CloseResource, post, history, members, joinChan };
