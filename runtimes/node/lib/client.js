'use strict';
// The Node client, with the original API of the npm package "leveros"
// (js/leveros/lib/client.js): Client, client.service / client.resource -> Endpoint,
// endpoint.invoke / invokeChan, client.invokeURL / invokeChanURL.
// Every call takes a trailing callback (cb(err, reply) / cb(err, stream)); without
// one it returns a Promise instead.
const grpc = require('@grpc/grpc-js');
const { leverRpc } = require('./proto');
const json = require('./json');
const { LeverUrl, isChanMethod, formatHeader } = require('./url');
const { Stream, remoteError, remoteByteError } = require('./stream');
const { traceContext } = require('./trace');

const DEFAULT_ENV = 'dev.lever';
const POOL_EXPIRY_MS = 5 * 60 * 1000;

class Client {
  constructor() {
    /** host:port to send every call to, overriding the defaults. */
    this.forceHost = null;
    this._pool = new Map(); // host -> { client, lastUsed }
    this._sweeper = null;
  }

  /** An Endpoint for a service. */
  service(env, service) {
    return new Endpoint(this, env, service, '');
  }

  /** An Endpoint for a resource of a service. */
  resource(env, service, resource) {
    return new Endpoint(this, env, service, resource);
  }

  /** invokeURL(url, ...args, [cb]): a request/reply call to an absolute or relative Lever URL. */
  invokeURL(url, ...rest) {
    const { args, cb } = splitCallback(rest);
    return withCallback(cb, () => this._invoke(url, args));
  }

  /** invokeChanURL(url, ...args, [cb]): opens a streaming call; the reply is a Stream. */
  invokeChanURL(url, ...rest) {
    const { args, cb } = splitCallback(rest);
    return withCallback(cb, () => this._invokeChan(url, args));
  }

  /** Closes the pooled connections. */
  close() {
    for (const entry of this._pool.values()) entry.client.close();
    this._pool.clear();
    if (this._sweeper) {
      clearInterval(this._sweeper);
      this._sweeper = null;
    }
  }

  _resolve(url) {
    const parsed = url instanceof LeverUrl ? url : LeverUrl.parse(url);
    if (parsed.isAbsolute()) return parsed;
    return parsed.withEnvironment(process.env.LEVEROS_ENVIRONMENT || DEFAULT_ENV);
  }

  /** Where calls go, and the extra headers: forceHost, the internal gateway, LEVEROS_IP_PORT, 127.0.0.1:8080. */
  _target() {
    if (this.forceHost) return { host: this.forceHost, token: null };
    const gateway = process.env.LEVEROS_INTERNAL_RPC_GATEWAY;
    if (gateway) return { host: gateway, token: process.env.LEVEROS_INSTANCE_TOKEN || null };
    return { host: process.env.LEVEROS_IP_PORT || '127.0.0.1:8080', token: null };
  }

  _connection(host) {
    let entry = this._pool.get(host);
    if (!entry) {
      const LeverRPC = leverRpc();
      entry = { client: new LeverRPC(host, grpc.credentials.createInsecure()), lastUsed: Date.now() };
      this._pool.set(host, entry);
      if (!this._sweeper) {
        this._sweeper = setInterval(() => this._sweep(), 60 * 1000);
        this._sweeper.unref();
      }
    }
    entry.lastUsed = Date.now();
    return entry.client;
  }

  _sweep() {
    const now = Date.now();
    for (const [host, entry] of this._pool) {
      if (now - entry.lastUsed > POOL_EXPIRY_MS) {
        entry.client.close();
        this._pool.delete(host);
      }
    }
  }

  /** The call's headers; the trace context of the call being handled, if any (leveros.traceContext()). */
  _metadata(url, token) {
    const md = new grpc.Metadata();
    md.set('lever-url', formatHeader(url));
    if (token) md.set('lever-instance-token', token);
    const trace = traceContext();
    if (trace) {
      md.set('traceparent', trace.traceparent);
      if (trace.tracestate) md.set('tracestate', trace.tracestate);
    }
    return md;
  }

  _invoke(urlText, args) {
    const url = this._resolve(urlText);
    if (url.isStreaming()) {
      return Promise.reject(new Error('Use invokeChan / invokeChanURL for streaming methods'));
    }
    const { host, token } = this._target();
    const rpc = json.encodeArgs(args);
    const client = this._connection(host);
    return new Promise((resolve, reject) => {
      client.HandleRPC(rpc, this._metadata(url, token), (err, reply) => {
        if (err) return reject(statusError(err));
        switch (reply.result_oneof) {
          case 'result':
            return resolve(json.decode(reply.result));
          case 'byte_result':
            return resolve(json.toBuffer(reply.byte_result));
          case 'error':
            return reject(remoteError(json.decode(reply.error)));
          case 'byte_error':
            return reject(remoteByteError(json.toBuffer(reply.byte_error)));
          default:
            return resolve(null);
        }
      });
    });
  }

  _invokeChan(urlText, args) {
    const url = this._resolve(urlText);
    if (!url.isStreaming()) {
      return Promise.reject(new Error('Use invoke / invokeURL for non-streaming methods'));
    }
    const { host, token } = this._target();
    const rpc = json.encodeArgs(args);
    const call = this._connection(host).HandleStreamingRPC(this._metadata(url, token));
    const stream = new Stream(call, 'client');
    return new Promise((resolve, reject) => {
      let opened = false;
      call.on('data', (m) => {
        if (!opened) {
          opened = true;
          if (m.message_oneof) {
            call.cancel();
            reject(new Error('First server message needs to be empty'));
            return;
          }
          resolve(stream);
          return;
        }
        stream._receive(m);
      });
      call.on('error', () => {}); // reported through 'status'
      call.on('status', (status) => {
        stream._closed = true;
        if (status.code === grpc.status.OK) {
          if (!opened) {
            opened = true;
            reject(new Error('the server closed the stream without opening it'));
          } else {
            stream._emitEnd();
          }
          return;
        }
        if (stream._cancelled) return;
        const err = statusError(status);
        if (!opened) {
          opened = true;
          reject(err);
        } else {
          stream._emitError(err);
        }
      });
      call.write({ rpc });
    });
  }
}

class Endpoint {
  constructor(client, env, service, resource) {
    this._client = client;
    this.env = env;
    this.service = service;
    this.res = resource || '';
  }

  _url(method) {
    return new LeverUrl(this.env, this.service, this.res, method);
  }

  /** invoke(method, ...args, [cb]) */
  invoke(method, ...rest) {
    const { args, cb } = splitCallback(rest);
    return withCallback(cb, () => this._client._invoke(this._url(method), args));
  }

  /** invokeChan(method, ...args, [cb]) */
  invokeChan(method, ...rest) {
    const { args, cb } = splitCallback(rest);
    return withCallback(cb, () => this._client._invokeChan(this._url(method), args));
  }
}

/** A gRPC status as an Error: message = the status details, .code = the numeric gRPC code. */
function statusError(s) {
  const details = s.details || s.message || 'gRPC status ' + s.code;
  const err = new Error(details);
  err.code = s.code;
  err.codeName = codeName(s.code);
  err.details = details;
  if (s.metadata) err.metadata = s.metadata;
  return err;
}

function codeName(code) {
  for (const [name, value] of Object.entries(grpc.status)) {
    if (value === code) return name;
  }
  return String(code);
}

function splitCallback(rest) {
  if (rest.length > 0 && typeof rest[rest.length - 1] === 'function') {
    return { args: rest.slice(0, -1), cb: rest[rest.length - 1] };
  }
  return { args: rest, cb: null };
}

/** Runs start() (which returns a promise); with a callback, reports through it and returns undefined. */
function withCallback(cb, start) {
  let promise;
  try {
    promise = start();
  } catch (e) {
    promise = Promise.reject(e);
  }
  if (!cb) return promise;
  // nextTick: an exception thrown by cb is not swallowed by the promise.
  promise.then((v) => process.nextTick(cb, null, v), (e) => process.nextTick(cb, e));
  return undefined;
}

module.exports = { Client, Endpoint, statusError };
