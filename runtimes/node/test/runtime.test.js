'use strict';
// End-to-end: the runtime as a real child process, called with the package's own Client.
const test = require('node:test');
const assert = require('node:assert');
const http2 = require('node:http2');
const grpc = require('@grpc/grpc-js');
const { Client } = require('..');
const { startRuntime, waitFor, canConnect } = require('./helpers');
const json = require('../lib/json');
const { leverRpc } = require('../lib/proto');

function clientFor(rt) {
  const c = new Client();
  c.forceHost = '127.0.0.1:' + rt.port;
  return c;
}

/** Collects a stream's messages until 'end' (or 'error'). */
function collect(stream) {
  return new Promise((resolve, reject) => {
    const got = [];
    stream.on('data', (d) => got.push(d));
    stream.on('error', reject);
    stream.on('end', () => resolve(got));
  });
}

test('original helloServiceJS', async (t) => {
  const rt = await startRuntime('helloServiceJS');
  t.after(() => rt.stop());
  assert.ok(rt.everConnected, rt.stderr);
  assert.match(rt.stdout, /^serving server\.js \(1 method: sayHello\) on 127\.0\.0\.1:\d+ in \d+ ms\n/);
  const client = clientFor(rt);
  t.after(() => client.close());
  // callback form, as in the original
  const reply = await new Promise((resolve, reject) => {
    client.invokeURL('lever://dev.lever/helloService/sayHello', 'world', (err, r) => (err ? reject(err) : resolve(r)));
  });
  assert.strictEqual(reply, 'Hello, world!');
  // relative URL (env from LEVEROS_ENVIRONMENT or dev.lever), promise form
  assert.strictEqual(await client.invokeURL('/helloService/sayHello', 'world'), 'Hello, world!');
  assert.strictEqual(await client.service('dev.lever', 'helloService').invoke('sayHello', 'you'), 'Hello, you!');
});

test('original system-test service, ported to JS', async (t) => {
  const rt = await startRuntime('systemtest');
  t.after(() => rt.stop());
  const client = clientFor(rt);
  t.after(() => client.close());
  const svc = client.service('dev.lever', 'testService');
  assert.strictEqual(await svc.invoke('BasicHello', 'name'), 'hello name');
  await assert.rejects(svc.invoke('BasicError', 'some test'), (err) => {
    assert.strictEqual(err.message, 'error sent: some test');
    assert.strictEqual(err.value, 'error sent: some test');
    return true;
  });
  const stream = await svc.invokeChan('ReqReplyStreamChan', 'some test');
  const replies = [];
  const ended = new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.on('end', resolve);
  });
  stream.on('data', (d) => replies.push(d));
  for (const m of ['one', 'two', 'three']) {
    stream.write(m);
    await waitFor(() => replies.length > 0 && replies[replies.length - 1] === 'some test:' + m + ' received',
      5000, 'reply to ' + m);
  }
  stream.end();
  await ended; // the server ends cleanly after the client does
  assert.deepStrictEqual(replies, ['some test:one received', 'some test:two received', 'some test:three received']);
  // callback form of invokeChan
  const s2 = await new Promise((resolve, reject) =>
    svc.invokeChan('ReqReplyStreamChan', 'cb', (err, s) => (err ? reject(err) : resolve(s))));
  const all = collect(s2);
  s2.write(1);
  s2.write({ a: 1 });
  s2.end();
  assert.deepStrictEqual(await all, ['cb:1 received', 'cb:[object Object] received']);
});

test('calling conventions, JSON values, bytes, errors, resources', async (t) => {
  const rt = await startRuntime('kitchen');
  t.after(() => rt.stop());
  assert.match(rt.stdout, /\(18 methods: add, bytesChan, bytesUpper, callOut, describeArg, echo, echoAll, failBytes, /);
  const client = clientFor(rt);
  t.after(() => client.close());
  const svc = client.service('dev.lever', 'kitchen');

  await t.test('every JSON type round-trips', async () => {
    const values = ['a string', '', 'ünïcödé ☃', 1.5, -0.25, 42, 0, -7, 2 ** 53, true, false, null,
      [1, 'two', null, [3, [4]], { five: 5 }], { a: { b: [1, { c: null }], d: 'e', f: false } }];
    for (const v of values) assert.deepStrictEqual(await svc.invoke('echo', v), v);
    assert.ok(Number.isInteger(await svc.invoke('echo', 42)));
    assert.deepStrictEqual(await svc.invoke('describeArg', 42), { isBuffer: false, type: 'number', isInteger: true });
    assert.deepStrictEqual(await svc.invoke('echoAll', 1, 'b', null, [true]), [1, 'b', null, [true]]);
    assert.deepStrictEqual(await svc.invoke('echoAll'), []);
  });

  await t.test('async, sync and callback methods', async () => {
    assert.strictEqual(await svc.invoke('add', 2, 3), 5);
    assert.strictEqual(await svc.invoke('syncAdd', 2, 40), 42);
    assert.strictEqual(await svc.invoke('echo', 'cb'), 'cb');
  });

  await t.test('Buffers both ways', async () => {
    const reply = await svc.invoke('bytesUpper', Buffer.from('hello bytes'));
    assert.ok(Buffer.isBuffer(reply));
    assert.strictEqual(reply.toString(), 'HELLO BYTES');
    assert.deepStrictEqual(await svc.invoke('describeArg', Buffer.from([0, 255])),
      { isBuffer: true, type: 'object', isInteger: false });
    const echoed = await svc.invoke('echo', Buffer.from([0, 1, 2, 255]));
    assert.deepStrictEqual(echoed, Buffer.from([0, 1, 2, 255]));
  });

  await t.test('errors of each kind', async () => {
    await assert.rejects(svc.invoke('failError'), (e) => e.message === 'plain failure' && e.code === undefined);
    await assert.rejects(svc.invoke('failBytes'), (e) => Buffer.isBuffer(e.bytes) && e.bytes.equals(Buffer.from([1, 2, 3])));
    await assert.rejects(svc.invoke('failJson'), (e) => {
      assert.deepStrictEqual(e.value, { code: 42, why: 'json error' });
      assert.strictEqual(e.message, '{"code":42,"why":"json error"}');
      return true;
    });
    await assert.rejects(svc.invoke('failString'), (e) => e.message === 'just a string');
    await assert.rejects(svc.invoke('throwSync'), (e) => e.message === 'thrown synchronously');
    await assert.rejects(svc.invoke('rejectAsync'), (e) => e.message === 'rejected');
    // callback form gets the error too
    const err = await new Promise((resolve) => svc.invoke('failError', (e) => resolve(e)));
    assert.strictEqual(err.message, 'plain failure');
  });

  await t.test('private, unknown and non-function exports are NOT_FOUND', async () => {
    const exported = 'add, bytesChan, bytesUpper, callOut, describeArg, echo, echoAll, failBytes, failChan, ' +
      'failError, failJson, failString, rejectAsync, resource_chan, slow, syncAdd, throwSync, whoAmI';
    for (const m of ['_private', 'nope', 'notAFunction', 'constructor', 'toString', 'hasOwnProperty']) {
      await assert.rejects(svc.invoke(m), (e) => {
        assert.strictEqual(e.code, grpc.status.NOT_FOUND);
        assert.strictEqual(e.message, "method '" + m + "' not found in service 'kitchen' (exported: " + exported + ')');
        return true;
      });
    }
  });

  await t.test('a resource name reaches the handler first', async () => {
    assert.deepStrictEqual(await client.resource('dev.lever', 'kitchen', 'res/1').invoke('whoAmI', 7),
      { resource: 'res/1', x: 7 });
    assert.deepStrictEqual(await client.invokeURL('lever://dev.lever/kitchen/r2/whoAmI', 'y'), { resource: 'r2', x: 'y' });
    const s = await client.resource('dev.lever', 'kitchen', 'room').invokeChan('resource_chan', 'arg');
    assert.deepStrictEqual(await collect(s), [{ resource: 'room', arg: 'arg' }]);
  });

  await t.test('streams carry bytes and errors', async () => {
    const s = await svc.invokeChan('bytesChan');
    const all = collect(s);
    s.write(Buffer.from('ab'));
    s.write('json');
    s.sendError(new Error('client says no'));
    s.end();
    assert.deepStrictEqual(await all, [Buffer.from('abab'), { got: 'json' }, { clientError: 'client says no' }]);
    const f = await svc.invokeChan('failChan');
    await assert.rejects(collect(f), (e) => e.message === 'chan failed');
  });

  await t.test('wrong call types', async () => {
    await assert.rejects(svc.invoke('bytesChan'), /Use invokeChan \/ invokeChanURL for streaming methods/);
    await assert.rejects(svc.invokeChan('echo'), /Use invoke \/ invokeURL for non-streaming methods/);
    // the server refuses them too (raw calls that skip the client's check)
    const raw = client._connection(client.forceHost);
    const md = (m) => { const x = new grpc.Metadata(); x.set('lever-url', 'lever://dev.lever/kitchen//' + m); return x; };
    const e1 = await new Promise((resolve) => raw.HandleRPC({ args: { element: [] } }, md('bytesChan'), (e) => resolve(e)));
    assert.strictEqual(e1.code, grpc.status.FAILED_PRECONDITION);
    const e2 = await new Promise((resolve) => {
      const call = raw.HandleStreamingRPC(md('echo'));
      call.on('error', resolve);
      call.on('data', () => {});
      call.write({ rpc: { args: { element: [] } } });
    });
    assert.strictEqual(e2.code, grpc.status.FAILED_PRECONDITION);
    const e3 = await new Promise((resolve) => raw.HandleRPC({}, new grpc.Metadata(), (e) => resolve(e)));
    assert.strictEqual(e3.code, grpc.status.INVALID_ARGUMENT);
    assert.match(e3.message, /no lever-url header/);
  });

  await t.test("a service can require('leveros') without shipping it", async () => {
    assert.strictEqual(await svc.invoke('callOut', rt.port), 'via the client');
  });
});

test('a module that fails to load: one stderr line, non-zero exit, port never opened', async () => {
  for (const [fixture, entry, pattern] of [
    ['badModule', 'server.js', /^lever-node-runtime: loading the service module 'server\.js' failed: Error: boom at load time \(at .*badModule\/server\.js:2:7\)\)\n$/],
    ['missingDep', 'server.js', /^lever-node-runtime: loading the service module 'server\.js' failed: Error: Cannot find module 'some-dependency-that-is-not-there'.*\n$/],
    ['helloServiceJS', 'nothere.js', /^lever-node-runtime: cannot find the service module 'nothere\.js' in .*\n$/],
  ]) {
    const rt = await startRuntime(fixture, entry);
    const exit = await rt.exitPromise;
    assert.strictEqual(exit.code, 1, fixture);
    assert.strictEqual(rt.everConnected, false, fixture);
    assert.strictEqual(await canConnect(rt.port), false);
    assert.match(rt.stderr, pattern);
    assert.strictEqual(rt.stdout, '');
  }
  const bad = await startRuntime('helloServiceJS', 'server.js', { LEVEROS_PORT: 'abc' });
  assert.strictEqual((await bad.exitPromise).code, 1);
  assert.match(bad.stderr, /^lever-node-runtime: invalid LEVEROS_PORT 'abc'/);
});

test('SIGTERM during a slow call: the call completes, new calls get UNAVAILABLE, the process exits', async (t) => {
  const rt = await startRuntime('kitchen');
  t.after(() => rt.stop());
  const client = clientFor(rt);
  t.after(() => client.close());
  const svc = client.service('dev.lever', 'kitchen');
  assert.strictEqual(await svc.invoke('echo', 'warm'), 'warm'); // the connection exists
  const slow = svc.invoke('slow', 1500);
  await waitFor(() => rt.stdout.includes('slow call started'), 5000, 'the slow call to start');
  rt.proc.kill('SIGTERM');
  await waitFor(() => rt.stdout.includes('draining: 1 calls in flight'), 5000, 'the drain to start');
  await assert.rejects(svc.invoke('echo', 'too late'), (e) => e.code === grpc.status.UNAVAILABLE);
  assert.strictEqual(await slow, 'slow done');
  const exit = await rt.exitPromise;
  assert.strictEqual(exit.code, 143);
});

test('SIGTERM: a call whose stream came before it is served, though its message comes after', async (t) => {
  const rt = await startRuntime('kitchen');
  t.after(() => rt.stop());
  const session = http2.connect('http://127.0.0.1:' + rt.port);
  t.after(() => session.destroy());
  await new Promise((resolve, reject) => session.once('connect', resolve).once('error', reject));
  const handleRpc = leverRpc().service.HandleRPC;
  const message = handleRpc.requestSerialize(json.encodeArgs(['late']));
  const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), message]);
  framed.writeUInt32BE(message.length, 1);
  const call = session.request({
    ':method': 'POST', ':path': '/core.LeverRPC/HandleRPC', 'content-type': 'application/grpc', te: 'trailers',
    'lever-url': 'lever://dev.lever/kitchen/echo',
  });
  const answer = { data: [], trailers: {} };
  call.on('data', (d) => answer.data.push(d));
  const ended = new Promise((resolve, reject) => {
    call.on('response', (headers) => { answer.trailers = headers; }); // trailers-only, for an error
    call.on('trailers', (trailers) => { answer.trailers = trailers; });
    call.on('end', resolve);
    call.on('error', reject);
  });
  call.write(framed.subarray(0, 3)); // the stream is open, its message not whole
  await new Promise((resolve, reject) => session.ping((e) => (e ? reject(e) : resolve()))); // the server has it
  rt.proc.kill('SIGTERM');
  await waitFor(() => rt.stdout.includes('draining: '), 5000, 'the drain to start');
  call.end(framed.subarray(3));
  await ended;
  assert.strictEqual(answer.trailers['grpc-status'], '0', answer.trailers['grpc-message']);
  const reply = handleRpc.responseDeserialize(Buffer.concat(answer.data).subarray(5));
  assert.strictEqual(json.decode(reply.result), 'late');
  assert.strictEqual((await rt.exitPromise).code, 143);
});

test('SIGTERM on an idle instance exits at once', async (t) => {
  const rt = await startRuntime('helloServiceJS');
  t.after(() => rt.stop());
  const started = Date.now();
  rt.proc.kill('SIGTERM');
  const exit = await rt.exitPromise;
  assert.strictEqual(exit.code, 143);
  assert.ok(Date.now() - started < 5000);
});

test('SIGTERM during a stream: the stream goes on until it ends, then the process exits', async (t) => {
  const rt = await startRuntime('kitchen');
  t.after(() => rt.stop());
  const client = clientFor(rt);
  t.after(() => client.close());
  const svc = client.service('dev.lever', 'kitchen');
  const cancelled = await svc.invokeChan('bytesChan');
  cancelled.write('x');
  cancelled.cancel(); // a cancelled stream no longer counts as in flight
  const s = await svc.invokeChan('bytesChan');
  const got = [];
  s.on('data', (d) => got.push(d));
  const ended = new Promise((resolve, reject) => { s.on('end', resolve); s.on('error', reject); });
  s.write('before');
  await waitFor(() => got.length === 1, 5000, 'the first reply');
  rt.proc.kill('SIGTERM');
  await waitFor(() => rt.stdout.includes('draining: 1 calls in flight'), 5000, 'the drain to start');
  s.write('after');
  s.end();
  await ended;
  assert.deepStrictEqual(got, [{ got: 'before' }, { got: 'after' }]);
  assert.strictEqual((await rt.exitPromise).code, 143);
});
