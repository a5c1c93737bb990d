'use strict';
// A warm runtime (lever-node-runtime.js --warm) as a real child process: it serves what its order
// names, with the order's environment, and refuses an order it cannot read.
const test = require('node:test');
const assert = require('node:assert');
const { Client } = require('..');
const { startRuntime, waitFor } = require('./helpers');
const { parseOrder } = require('../lib/warm');

function clientFor(rt) {
  const c = new Client();
  c.forceHost = '127.0.0.1:' + rt.port;
  return c;
}

test('a warm runtime serves the module its order names, and says it was warm', async (t) => {
  const rt = await startRuntime('helloServiceJS', 'server.js', {}, { warm: true });
  t.after(() => rt.stop());
  assert.ok(rt.everConnected, rt.stderr);
  await waitFor(() => rt.stdout.includes(', warm\n'), 5000, 'the ready line');
  assert.match(rt.stdout,
    /^warm runtime ready\nserving server\.js \(1 method: sayHello\) on 127\.0\.0\.1:\d+ in \d+ ms, warm\n/);
  const client = clientFor(rt);
  t.after(() => client.close());
  assert.strictEqual(await client.invokeURL('/helloService/sayHello', 'warm'), 'Hello, warm!');
});

test("the order's environment replaces the one the runtime started with", async (t) => {
  const rt = await startRuntime('environment', 'server.js', { LEVEROS_INSTANCE_ID: 'ordered', ONLY_ORDERED: 'yes' },
    { warm: true });
  t.after(() => rt.stop());
  assert.ok(rt.everConnected, rt.stderr);
  const client = clientFor(rt);
  t.after(() => client.close());
  const service = client.service('dev.lever', 'environment');
  assert.strictEqual(await service.invoke('env', 'LEVEROS_INSTANCE_ID'), 'ordered');
  assert.strictEqual(await service.invoke('env', 'ONLY_ORDERED'), 'yes');
});

for (const [what, order, expected] of [
  ['not JSON', 'not json\n', /warm runtime: the order is not JSON: /],
  ['without args', '{"environment": {}}\n', /warm runtime: the order \{"environment": \{\}\} lacks args \(an array\)/],
  ['missing', '', /warm runtime: standard input ended before the data plane named the service/],
]) {
  test('an order ' + what + ' is a start failure', async (t) => {
    const rt = await startRuntime('helloServiceJS', 'server.js', {}, { warm: true, order });
    t.after(() => rt.stop());
    await rt.exitPromise;
    assert.strictEqual(rt.exited.code, 1);
    assert.match(rt.stderr, expected);
    assert.ok(!rt.everConnected);
  });
}

test('parseOrder keeps args as strings and the environment as it is', () => {
  assert.deepStrictEqual(parseOrder('{"args": ["server.js"], "environment": {"A": "1"}}'),
    { args: ['server.js'], environment: { A: '1' } });
  assert.throws(() => parseOrder('{"args": "x", "environment": {}}'), /lacks args/);
  assert.throws(() => parseOrder('{"args": [], "environment": []}'), /lacks args/);
});
