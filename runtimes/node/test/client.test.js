'use strict';
// The client's host selection and headers, against an in-process fake server.
const test = require('node:test');
const assert = require('node:assert');
const grpc = require('@grpc/grpc-js');
const { leverRpc } = require('../lib/proto');
const { Client } = require('..');

async function fakeServer(seen) {
  const server = new grpc.Server();
  server.addService(leverRpc().service, {
    HandleRPC(call, cb) {
      seen.push({ url: call.metadata.get('lever-url')[0], token: call.metadata.get('lever-instance-token')[0] });
      cb(null, { result: { json_string: 'ok' } });
    },
    HandleStreamingRPC(call) {
      call.on('data', () => call.write({ message: { json_string: 'not empty' } }));
    },
  });
  const port = await new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { server, port };
}

function withEnv(vars, fn) {
  const saved = {};
  for (const k of Object.keys(vars)) {
    saved[k] = process.env[k];
    if (vars[k] === undefined) delete process.env[k];
    else process.env[k] = vars[k];
  }
  return Promise.resolve().then(fn).finally(() => {
    for (const k of Object.keys(saved)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
}

test('inside an instance: the internal gateway with the instance token; relative URLs use LEVEROS_ENVIRONMENT', async (t) => {
  const seen = [];
  const { server, port } = await fakeServer(seen);
  t.after(() => server.forceShutdown());
  await withEnv({
    LEVEROS_INTERNAL_RPC_GATEWAY: '127.0.0.1:' + port, LEVEROS_INSTANCE_TOKEN: 'secret-token',
    LEVEROS_ENVIRONMENT: 'prod.lever', LEVEROS_IP_PORT: '127.0.0.1:1',
  }, async () => {
    const client = new Client();
    assert.strictEqual(await client.invokeURL('/svc/res/m', 1), 'ok');
    client.close();
  });
  assert.deepStrictEqual(seen, [{ url: 'lever://prod.lever/svc/res/m', token: 'secret-token' }]);
});

test('outside: LEVEROS_IP_PORT, no token, dev.lever by default; forceHost wins', async (t) => {
  const seen = [];
  const { server, port } = await fakeServer(seen);
  t.after(() => server.forceShutdown());
  await withEnv({
    LEVEROS_INTERNAL_RPC_GATEWAY: undefined, LEVEROS_INSTANCE_TOKEN: 'x', LEVEROS_ENVIRONMENT: undefined,
    LEVEROS_IP_PORT: '127.0.0.1:' + port,
  }, async () => {
    const client = new Client();
    assert.strictEqual(await client.invokeURL('/svc/m'), 'ok');
    client.close();
  });
  await withEnv({ LEVEROS_INTERNAL_RPC_GATEWAY: '127.0.0.1:1', LEVEROS_INSTANCE_TOKEN: 'tok' }, async () => {
    const client = new Client();
    client.forceHost = '127.0.0.1:' + port;
    assert.strictEqual(await client.service('e.lever', 's').invoke('m'), 'ok');
    client.close();
  });
  assert.deepStrictEqual(seen, [
    { url: 'lever://dev.lever/svc//m', token: undefined },
    { url: 'lever://e.lever/s//m', token: undefined },
  ]);
});

test('a non-empty first server message is a protocol error; a missing callback gives a promise', async (t) => {
  const { server, port } = await fakeServer([]);
  t.after(() => server.forceShutdown());
  const client = new Client();
  client.forceHost = '127.0.0.1:' + port;
  t.after(() => client.close());
  const p = client.invokeChanURL('lever://dev.lever/s/xChan');
  assert.ok(p instanceof Promise);
  await assert.rejects(p, /First server message needs to be empty/);
  assert.strictEqual(client.invokeURL('lever://dev.lever/s/m', () => {}), undefined);
  await assert.rejects(client.invokeURL('not a url'), /is not a Lever URL/);
});
