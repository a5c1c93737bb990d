'use strict';
// The W3C trace context: parsing, and end-to-end through the runtime as a real child
// process whose calls out go to an in-process fake internal gateway.
const test = require('node:test');
const assert = require('node:assert');
const grpc = require('@grpc/grpc-js');
const { leverRpc } = require('../lib/proto');
const leveros = require('..');
const { startRuntime } = require('./helpers');

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const TRACESTATE = 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE';
const INVALID = [
  'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // forbidden version
  '0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // not a version
  '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x', // later version, no - after flags
  '00-00000000000000000000000000000000-00f067aa0ba902b7-01', // all-zero trace id
  '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', // all-zero parent id
  '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', // uppercase
  '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01', // short trace id
  '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-', // trailing
  '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01',
  '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g',
  '', 'garbage',
];

test('parseTraceContext reads the parts; an invalid traceparent gives null', () => {
  const t = leveros.parseTraceContext(TRACEPARENT, [TRACESTATE.split(',')[0], TRACESTATE.split(',')[1]]);
  assert.deepStrictEqual({ ...t }, {
    traceparent: TRACEPARENT, tracestate: TRACESTATE, traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    parentId: '00f067aa0ba902b7', flags: '01', sampled: true,
  });
  assert.ok(Object.isFrozen(t));
  assert.strictEqual(leveros.parseTraceContext(TRACEPARENT.replace(/-01$/, '-02')).sampled, false);
  assert.strictEqual(leveros.parseTraceContext(TRACEPARENT).tracestate, '');
  assert.strictEqual(leveros.parseTraceContext(TRACEPARENT, 'a=\u00e9').tracestate, '');
  // A later version is read by its first four fields and kept as version 00.
  assert.strictEqual(leveros.parseTraceContext('01' + TRACEPARENT.substring(2)).traceparent, TRACEPARENT);
  assert.strictEqual(leveros.parseTraceContext('cc' + TRACEPARENT.substring(2) + '-next').traceparent, TRACEPARENT);
  for (const bad of [...INVALID, undefined, null, 42]) {
    assert.strictEqual(leveros.parseTraceContext(bad, 'rojo=1'), null, String(bad));
  }
});

test('withTraceContext makes it current across awaits and timers, and only inside', async () => {
  const t = leveros.parseTraceContext(TRACEPARENT);
  assert.strictEqual(leveros.traceContext(), null);
  const inside = await leveros.withTraceContext(t, async () => {
    await new Promise((r) => setTimeout(r, 1));
    return leveros.traceContext();
  });
  assert.strictEqual(inside, t);
  assert.strictEqual(leveros.traceContext(), null);
});

/** A fake internal gateway: records each call's metadata, answers the traceparent it got ('none' without). */
async function fakeGateway() {
  const calls = [];
  const server = new grpc.Server();
  server.addService(leverRpc().service, {
    HandleRPC(call, cb) {
      calls.push(call.metadata);
      const tp = call.metadata.get('traceparent')[0];
      cb(null, { result: { json_string: tp === undefined ? 'none' : String(tp) } });
    },
    HandleStreamingRPC(call) {
      call.end();
    },
  });
  const port = await new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { server, calls, host: '127.0.0.1:' + port };
}

test('through the runtime: the handler sees it, and its calls out carry it', async (t) => {
  const gateway = await fakeGateway();
  t.after(() => gateway.server.forceShutdown());
  const rt = await startRuntime('trace', 'server.js', {
    LEVEROS_INTERNAL_RPC_GATEWAY: gateway.host, LEVEROS_INSTANCE_TOKEN: 'token-1',
  });
  t.after(() => rt.stop());
  assert.ok(rt.everConnected, rt.stderr);
  const client = new leveros.Client();
  client.forceHost = '127.0.0.1:' + rt.port;
  t.after(() => client.close());
  const svc = client.service('dev.lever', 'trace');
  const sent = leveros.parseTraceContext(TRACEPARENT, TRACESTATE);
  const own = { traceparent: TRACEPARENT, tracestate: TRACESTATE, traceId: sent.traceId, parentId: sent.parentId };

  await t.test('a regular method sees the incoming traceparent and tracestate', async () => {
    assert.deepStrictEqual(await leveros.withTraceContext(sent, () => svc.invoke('traceContext')), own);
  });

  await t.test('a call inside the handler carries the same traceparent and tracestate', async () => {
    gateway.calls.length = 0;
    assert.deepStrictEqual(await leveros.withTraceContext(sent, () => svc.invoke('callOut', 'other', 'm')),
      { own, callee: TRACEPARENT });
    assert.strictEqual(await leveros.withTraceContext(sent, () => svc.invoke('callOutLater', 'other', 'm')),
      TRACEPARENT);
    assert.strictEqual(gateway.calls.length, 2);
    for (const md of gateway.calls) {
      assert.deepStrictEqual(md.get('traceparent'), [TRACEPARENT]);
      assert.deepStrictEqual(md.get('tracestate'), [TRACESTATE]);
      assert.deepStrictEqual(md.get('lever-instance-token'), ['token-1']);
    }
  });

  await t.test('a streaming method sees it, and so do its stream event handlers', async () => {
    gateway.calls.length = 0;
    const stream = await leveros.withTraceContext(sent, () => svc.invokeChan('traceChan', 'other'));
    const got = [];
    const two = new Promise((resolve, reject) => {
      stream.on('data', (d) => {
        got.push(d);
        if (got.length === 2) resolve();
      });
      stream.on('error', reject);
    });
    stream.write('m');
    await two;
    stream.end();
    assert.deepStrictEqual(got, [own, TRACEPARENT]);
    assert.deepStrictEqual(gateway.calls[0].get('tracestate'), [TRACESTATE]);
  });

  await t.test('without a traceparent nothing is seen and nothing is added', async () => {
    gateway.calls.length = 0;
    assert.deepStrictEqual(await svc.invoke('traceContext'), {});
    assert.deepStrictEqual(await svc.invoke('callOut', 'other', 'm'), { own: {}, callee: 'none' });
    assert.deepStrictEqual(gateway.calls[0].get('traceparent'), []);
    assert.deepStrictEqual(gateway.calls[0].get('tracestate'), []);
  });

  await t.test('an invalid traceparent is ignored, not refused', async () => {
    gateway.calls.length = 0;
    const LeverRPC = leverRpc();
    const raw = new LeverRPC('127.0.0.1:' + rt.port, grpc.credentials.createInsecure());
    t.after(() => raw.close());
    const call = (method, args, traceparent) => new Promise((resolve, reject) => {
      const md = new grpc.Metadata();
      md.set('lever-url', 'lever://dev.lever/trace//' + method);
      md.set('traceparent', traceparent);
      md.set('tracestate', 'rojo=1');
      raw.HandleRPC({ args: { element: args.map((a) => ({ json_string: a })) } }, md,
        (err, reply) => (err ? reject(err) : resolve(reply)));
    });
    for (const bad of INVALID) {
      const reply = await call('callOut', ['other', 'm'], bad);
      assert.strictEqual(reply.result_oneof, 'result', bad);
      const callee = reply.result.json_object.property.find((p) => p.name === 'callee');
      assert.strictEqual(callee.value.json_string, 'none', bad);
    }
    assert.strictEqual(gateway.calls.length, INVALID.length);
    for (const md of gateway.calls) {
      assert.deepStrictEqual(md.get('traceparent'), []);
      assert.deepStrictEqual(md.get('tracestate'), []);
    }
  });
});
