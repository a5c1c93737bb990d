'use strict';
// The W3C trace context (traceparent, tracestate) of the call being handled.
// The runtime runs each handler inside the call's context (AsyncLocalStorage, so
// it follows callbacks, promises and timers the handler starts); the client
// sends the current one with every call. The runtime records no spans (the data
// plane does, with --otlp-endpoint): it carries the
// context so that a call from service A to service B keeps one trace id.
const { AsyncLocalStorage } = require('async_hooks');

/**
 * One store per process, shared through a global symbol, so that a service that
 * ships its own copy of this package still sees the runtime's context.
 */
const STORAGE_KEY = Symbol.for('leveros.traceContext');
const storage = globalThis[STORAGE_KEY] || (globalThis[STORAGE_KEY] = new AsyncLocalStorage());

const LENGTH = 55; // '00-' + 32 + '-' + 16 + '-' + 2

/** Lowercase hex digits from `from` to `to`; with nonZero, not all '0'. No regex: this runs on every call. */
function isHex(text, from, to, nonZero) {
  let zero = true;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
    if (c !== 48) zero = false;
  }
  return !(nonZero && zero);
}

/**
 * `text` as a version-00 traceparent (00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>):
 * itself when it is one; for a later version (not ff) whose first four fields are valid, 00 and
 * those fields, as the W3C specification asks of readers; else null.
 */
function canonicalTraceparent(text) {
  if (typeof text !== 'string' || text.length < LENGTH || text[2] !== '-' || text[35] !== '-' ||
    text[52] !== '-' || !isHex(text, 0, 2, false) || !isHex(text, 3, 35, true) || !isHex(text, 36, 52, true) ||
    !isHex(text, 53, 55, false)) {
    return null;
  }
  if (text[0] === '0' && text[1] === '0') return text.length === LENGTH ? text : null;
  if (text.startsWith('ff') || (text.length > LENGTH && text[LENGTH] !== '-')) return null;
  return '00' + text.substring(2, LENGTH);
}

function isPrintableAscii(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * The trace context for `traceparent` and `tracestate` (a string, an array of
 * strings joined with ',', or nothing), or null when the traceparent is missing
 * or invalid (an invalid one is ignored, never an error). A later version than 00
 * is read by its first four fields and kept as version 00 (the version this
 * package writes when it passes it on). A tracestate that is not printable ASCII
 * is dropped ('').
 * The result is frozen: { traceparent, tracestate, traceId, parentId, flags, sampled }.
 */
function parseTraceContext(received, tracestate) {
  const traceparent = canonicalTraceparent(received);
  if (traceparent === null) return null;
  let state = Array.isArray(tracestate) ? tracestate.map(String).join(',') : tracestate;
  state = typeof state === 'string' && isPrintableAscii(state) ? state : '';
  return Object.freeze({
    traceparent,
    tracestate: state,
    traceId: traceparent.substring(3, 35),
    parentId: traceparent.substring(36, 52),
    flags: traceparent.substring(53, 55),
    sampled: (parseInt(traceparent[54], 16) & 1) === 1,
  });
}

/** The trace context of a call's gRPC metadata, or null. */
function fromMetadata(metadata) {
  const traceparent = metadata.get('traceparent');
  if (traceparent.length === 0) return null;
  return parseTraceContext(String(traceparent[0]), metadata.get('tracestate').map(String));
}

/** The trace context of the call being handled (here or in anything it started), or null. */
function traceContext() {
  return storage.getStore() || null;
}

/**
 * Runs fn() with `context` (from traceContext() or parseTraceContext(); null:
 * none) as the current trace context, and returns what fn returns; calls the
 * client makes inside, and in the callbacks and promises fn starts, carry it.
 */
function withTraceContext(context, fn) {
  return storage.run(context || undefined, fn);
}

/** Runs fn in `context` when there is one, else as is (no cost for calls without one). */
function runIn(context, fn) {
  return context ? storage.run(context, fn) : fn();
}

module.exports = { traceContext, parseTraceContext, withTraceContext, fromMetadata, runIn };
