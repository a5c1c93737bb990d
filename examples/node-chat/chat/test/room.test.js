const test = require('node:test');
const assert = require('node:assert');
const { Room, HISTORY } = require('../room.js');

test('a member gets the history, then what is posted until it leaves', () => {
  const room = new Room();
  const got = [];
  room.post('ann', 'first');
  const bob = room.join('bob', (message) => got.push(message.text));
  room.post('ann', 'second');
  assert.deepStrictEqual(room.members(), ['bob']);
  bob.leave();
  room.post('ann', 'third');
  assert.deepStrictEqual(got, ['first', 'second']);
  assert.deepStrictEqual(room.members(), []);
});

test('the history keeps the last hundred messages', () => {
  const room = new Room();
  for (let i = 1; i <= HISTORY + 5; i++) room.post('ann', 'message ' + i);
  assert.strictEqual(room.history().length, HISTORY);
  assert.strictEqual(room.history()[0].seq, 6);
});
