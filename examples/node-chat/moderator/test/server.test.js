const test = require('node:test');
const assert = require('node:assert');
const moderator = require('../server.js');

test('masks blocked words in any case', async () => {
  assert.strictEqual(await moderator.clean('no spam here, DARN!'), 'no **** here, ****!');
});

test('leaves words that only contain a blocked word', async () => {
  assert.strictEqual(await moderator.clean('spammer hecklers'), 'spammer hecklers');
});
