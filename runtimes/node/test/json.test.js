'use strict';
const test = require('node:test');
const assert = require('node:assert');
const json = require('../lib/json');
const { leverRpc } = require('../lib/proto');

// Round trip through the real protobuf encoding, as on the wire.
function wire(value) {
  const LeverRPC = leverRpc();
  const def = LeverRPC.service.HandleRPC;
  const bytes = def.responseSerialize({ result: json.encode(value) });
  return json.decode(def.responseDeserialize(bytes).result);
}

test('JSON values survive the protobuf encoding', () => {
  const values = ['', 'x', 'ünïcödé ☃', 0, -0.5, 3.25, 42, -7, 2 ** 53, -(2 ** 53), true, false, null, [],
    {}, [1, 'a', null, [2, [3]], { k: false }], { a: { b: [1, { c: null }], e: '' }, 'with space': 1 }];
  for (const v of values) assert.deepStrictEqual(wire(v), v);
  assert.ok(Number.isInteger(wire(42)));
  assert.strictEqual(wire(undefined), null);
  assert.strictEqual(wire(NaN), null);
  assert.deepStrictEqual(wire({ a: undefined, f() {}, b: 1 }), { b: 1 });
  assert.strictEqual(wire(new Date(0)), '1970-01-01T00:00:00.000Z');
  const proto = wire({ ['__proto__']: 1 });
  assert.strictEqual(Object.getPrototypeOf(proto), Object.prototype);
  assert.deepStrictEqual(Object.keys(proto), ['__proto__']);
});

test('args: exactly one Buffer goes as byte_args', () => {
  assert.deepStrictEqual(json.encodeArgs([Buffer.from('ab')]), { byte_args: Buffer.from('ab') });
  assert.ok(json.encodeArgs([Buffer.from('ab'), 1]).args);
  assert.deepStrictEqual(json.decodeArgs({ args_oneof: 'byte_args', byte_args: Buffer.from('x') }), [Buffer.from('x')]);
});

test('circular structures are refused', () => {
  const o = {};
  o.self = o;
  assert.throws(() => json.encode(o), /circular/);
});
