'use strict';
// Conversion between JavaScript values and the core.JSON proto message
// (a oneof of string, number (double), bool, object, array; nothing set = null).
//
// Encoding follows JSON.stringify: toJSON() is honoured (a Date becomes its ISO
// string, a Buffer nested in a structure becomes {type:'Buffer',data:[...]}),
// undefined / functions / symbols become null (and are skipped as object
// properties), non-finite numbers become null, a BigInt becomes a number.
// Decoding gives plain values: every number is a JS number (a double), so whole
// numbers within +-2^53 are exact integers.

function encode(value, seen) {
  if (value === null || value === undefined) return {};
  switch (typeof value) {
    case 'string':
      return { json_string: value };
    case 'number':
      return Number.isFinite(value) ? { json_number: value } : {};
    case 'boolean':
      return { json_bool: value };
    case 'bigint':
      return { json_number: Number(value) };
    case 'function':
    case 'symbol':
      return {};
    default:
      break;
  }
  if (typeof value.toJSON === 'function') {
    return encode(value.toJSON(), seen);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return encode(value.valueOf(), seen);
  }
  seen = seen || new Set();
  if (seen.has(value)) {
    throw new TypeError('Converting circular structure to JSON');
  }
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return { json_array: { element: value.map((v) => encode(v, seen)) } };
    }
    const property = [];
    for (const name of Object.keys(value)) {
      const v = value[name];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      property.push({ name, value: encode(v, seen) });
    }
    return { json_object: { property } };
  } finally {
    seen.delete(value);
  }
}

function decode(json) {
  if (json == null) return null;
  switch (json.json_value_oneof || whichSet(json)) {
    case 'json_string':
      return json.json_string;
    case 'json_number':
      return Number(json.json_number);
    case 'json_bool':
      return json.json_bool;
    case 'json_array':
      return ((json.json_array && json.json_array.element) || []).map(decode);
    case 'json_object': {
      const result = {};
      for (const p of (json.json_object && json.json_object.property) || []) {
        const v = decode(p.value);
        if (p.name === '__proto__') {
          Object.defineProperty(result, p.name, { value: v, enumerable: true, writable: true, configurable: true });
        } else {
          result[p.name] = v;
        }
      }
      return result;
    }
    default:
      return null;
  }
}

function whichSet(json) {
  for (const k of ['json_string', 'json_number', 'json_bool', 'json_object', 'json_array']) {
    if (json[k] !== undefined && json[k] !== null) return k;
  }
  return null;
}

/** Encodes a list of arguments as an RPC: exactly one Buffer/Uint8Array goes as byte_args. */
function encodeArgs(args) {
  if (args.length === 1 && isBytes(args[0])) {
    return { byte_args: toBuffer(args[0]) };
  }
  return { args: { element: args.map((a) => encode(a)) } };
}

/** The argument list of an RPC message: [Buffer] for byte_args, the JSON values otherwise. */
function decodeArgs(rpc) {
  if (rpc == null) return [];
  if (rpc.args_oneof === 'byte_args' || (rpc.args_oneof === undefined && rpc.byte_args != null)) {
    return [toBuffer(rpc.byte_args)];
  }
  return ((rpc.args && rpc.args.element) || []).map(decode);
}

function isBytes(v) {
  return Buffer.isBuffer(v) || v instanceof Uint8Array;
}

function toBuffer(v) {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return Buffer.from(v || []);
}

/** The text of an error value: a string as is, anything else as JSON. */
function errorText(value) {
  if (typeof value === 'string') return value;
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s;
  } catch (e) {
    return String(value);
  }
}

module.exports = { encode, decode, encodeArgs, decodeArgs, isBytes, toBuffer, errorText };
