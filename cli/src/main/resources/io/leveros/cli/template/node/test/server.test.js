const test = require('node:test');
const assert = require('node:assert');
const { EventEmitter } = require('node:events');
const service = require('../server.js');

test('says hello', async () => {
  assert.strictEqual(await service.sayHello('world'), 'Hello, world!');
});

test('shouts back each message until the caller is done', () => {
  const stream = new EventEmitter();
  const sent = [];
  let ended = false;
  stream.write = (message) => sent.push(message);
  stream.end = () => { ended = true; };

  service.shoutChan(stream);
  stream.emit('data', 'hey');
  stream.emit('data', 'you');
  stream.emit('end');

  assert.deepStrictEqual(sent, ['HEY!', 'YOU!']);
  assert.ok(ended);
});
