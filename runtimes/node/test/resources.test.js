'use strict';
// Resources in the Node runtime, against the service the system tests deploy
// (system-tests/services/node): the resource is the first argument, the
// lifecycle exports get it too, and any name arrives intact.
const test = require('node:test');
const assert = require('node:assert');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const { Client } = require('..');
const { startRuntime } = require('./helpers');

const SYSTEM_TEST_SERVICE = path.join('..', '..', '..', '..', 'system-tests', 'services', 'node');
const NAMES = [
  'doc-1',
  'a/b/c',
  '/leading/and/trailing/',
  '日本語/é ü/😀 100% sure',
  'k/'.repeat(512), // 1 KiB of ASCII
  '日'.repeat(342), // 1 KiB of UTF-8, 9 KiB escaped in lever-url
];

function collectUntil(stream, count) {
  return new Promise((resolve, reject) => {
    const got = [];
    stream.on('error', reject);
    stream.on('data', (d) => {
      got.push(d);
      if (got.length === count) resolve(got);
    });
  });
}

test('resources reach the system-test service', async (t) => {
  const rt = await startRuntime(SYSTEM_TEST_SERVICE, 'server.js', { LEVEROS_INSTANCE_ID: 'node-1' });
  t.after(() => rt.stop());
  assert.ok(rt.everConnected, rt.stderr);
  const client = new Client();
  client.forceHost = '127.0.0.1:' + rt.port;
  t.after(() => client.close());
  const svc = client.service('dev.lever', 'testServiceJS');

  await t.test('NewResource/CloseResource get the resource; whoHolds and resourceEvents report it', async () => {
    for (const name of NAMES) {
      const res = client.resource('dev.lever', 'testServiceJS', name);
      assert.deepStrictEqual(await res.invoke('whoHolds'), { instance: 'node-1', resource: name, opened: false });
      await res.invoke('NewResource'); // as the data plane calls it: no arguments
      assert.deepStrictEqual(await res.invoke('whoHolds'), { instance: 'node-1', resource: name, opened: true });
      await res.invoke('CloseResource');
      assert.deepStrictEqual(await res.invoke('whoHolds'), { instance: 'node-1', resource: name, opened: false });
    }
    const events = NAMES.flatMap((name) => ['new:' + name, 'close:' + name]);
    assert.deepStrictEqual(await svc.invoke('resourceEvents'), { instance: 'node-1', events });
  });

  await t.test('resourceChan sends {instance, resource}, then echoes', async () => {
    for (const name of ['room/1', '日本語/é ü/😀 100% sure']) {
      const stream = await client.resource('dev.lever', 'testServiceJS', name).invokeChan('resourceChan');
      const got = collectUntil(stream, 3);
      stream.write('one');
      stream.write({ two: 2 });
      assert.deepStrictEqual(await got, [{ instance: 'node-1', resource: name }, 'one', { two: 2 }]);
      stream.end();
    }
  });

  await t.test('a lever-url with a bad escape is refused', async () => {
    const raw = client._connection(client.forceHost);
    const md = new grpc.Metadata();
    md.set('lever-url', 'lever://dev.lever/testServiceJS/50%zz/whoHolds');
    const e = await new Promise((resolve) => raw.HandleRPC({ args: { element: [] } }, md, (err) => resolve(err)));
    assert.strictEqual(e.code, grpc.status.INVALID_ARGUMENT);
    assert.match(e.message, /'%' at position 2 not followed by two hex digits/);
  });
});
