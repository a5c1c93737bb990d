'use strict';
// The Node service runtime: serves the exported functions of a CommonJS module
// as a Lever instance (core.LeverRPC over h2c gRPC). See README.md for the rules.
const path = require('path');
const Module = require('module');
const grpc = require('@grpc/grpc-js');
const { leverRpc } = require('./proto');
const json = require('./json');
const { parseHeader, isChanMethod, isExportedName } = require('./url');
const { Stream, errorFields } = require('./stream');
const trace = require('./trace');

const DRAIN_TIMEOUT_MS = 10 * 1000;

/** A start failure: printed as one line on stderr, exit status 1, the port never opened. */
class StartFailure extends Error {}

/**
 * Lets the service `require('leveros')` (to call other services) without
 * shipping it: if the service's own resolution fails, this package is used.
 */
function provideLeverosModule() {
  const original = Module._resolveFilename;
  const own = path.join(__dirname, '..');
  Module._resolveFilename = function (request, parent, isMain, options) {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (e) {
      if (e && e.code === 'MODULE_NOT_FOUND' && (request === 'leveros' || request.startsWith('leveros/'))) {
        return original.call(this, own + request.substring('leveros'.length), parent, isMain, options);
      }
      throw e;
    }
  };
}

/** Loads the service module (resolved against cwd) and lists its methods. */
function loadService(entry, cwd) {
  if (!entry) throw new StartFailure('usage: lever-node-runtime <module> (no jsEntry given)');
  const file = path.resolve(cwd, entry);
  let resolved;
  try {
    resolved = require.resolve(file);
  } catch (e) {
    throw new StartFailure("cannot find the service module '" + entry + "' in " + cwd + ' (looked for ' + file +
      ', ' + file + '.js, ' + file + '/index.js)');
  }
  let exported;
  try {
    exported = require(resolved);
  } catch (e) {
    throw new StartFailure("loading the service module '" + entry + "' failed: " + describeError(e, resolved));
  }
  if (exported === null || (typeof exported !== 'object' && typeof exported !== 'function')) {
    throw new StartFailure("the service module '" + entry + "' exports " + typeof exported +
      ', not an object of functions');
  }
  const methods = new Map();
  for (const name of methodNames(exported)) {
    methods.set(name, exported[name]);
  }
  return { entry, file: resolved, target: exported, methods, names: [...methods.keys()].sort() };
}

/** Exported = a function-valued property (own or inherited, not Object's/Function's) not starting with '_'. */
function methodNames(target) {
  const names = new Set();
  for (let o = target; o && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor' || !isExportedName(name)) continue;
      let v;
      try {
        v = target[name];
      } catch (e) {
        continue;
      }
      if (typeof v === 'function') names.add(name);
    }
  }
  return names;
}

/** "TypeError: x is not a function (at /path/file.js:3:7)" on one line. */
function describeError(e, file) {
  if (!(e instanceof Error)) return 'threw ' + json.errorText(e);
  let text = (e.name || 'Error') + ': ' + String(e.message).split('\n')[0];
  if (e.code === 'MODULE_NOT_FOUND' && /^Cannot find module/.test(e.message)) {
    text += ' (a dependency the service must ship in its node_modules)';
  }
  const frame = String(e.stack || '').split('\n').map((l) => l.trim())
    .find((l) => l.startsWith('at ') && !l.includes('node:internal') && !l.includes(__filename));
  if (frame) text += ' (' + frame + ')';
  else if (e instanceof SyntaxError && e.stack) {
    const first = String(e.stack).split('\n')[0];
    if (first.includes(':')) text += ' (' + first + ')';
  }
  return text;
}

/**
 * Calls a regular method. The callback is always passed as the last argument.
 * The outcome is the first of: the callback; the settled value of a returned
 * thenable; a synchronous exception; or, when the function declares fewer
 * parameters than the call passes (fn.length < args + 1, i.e. no callback
 * parameter) and returns something other than undefined, that value.
 */
function callMethod(fn, thisArg, args, done) {
  let settled = false;
  const finish = (isError, value) => {
    if (settled) return;
    settled = true;
    done(isError, value);
  };
  const callback = (err, result) => {
    if (err !== null && err !== undefined) finish(true, err);
    else finish(false, result);
  };
  let returned;
  try {
    returned = fn.apply(thisArg, [...args, callback]);
  } catch (e) {
    finish(true, e === undefined || e === null ? new Error('the method threw ' + e) : e);
    return;
  }
  if (returned !== null && returned !== undefined && typeof returned.then === 'function') {
    Promise.resolve(returned).then(
      (v) => finish(false, v),
      (e) => finish(true, e === undefined || e === null ? new Error('the method rejected with ' + e) : e));
  } else if (returned !== undefined && fn.length < args.length + 1) {
    finish(false, returned);
  }
}

function replyFor(isError, value) {
  if (isError) return errorFields(value);
  if (json.isBytes(value)) return { byte_result: json.toBuffer(value) };
  return { result: json.encode(value) };
}

function status(code, details) {
  return { code, details };
}

class Runtime {
  constructor(service, options) {
    this.service = service;
    this.options = options;
    this.inFlight = 0;
    this.draining = false;
    this.server = null;
    this.log = options.log || ((line) => process.stderr.write(line + '\n'));
  }

  /** The method to call, or a gRPC status refusing the call. */
  _find(call, streaming) {
    const text = call.metadata.get('lever-url')[0];
    if (text === undefined) {
      return {
        refused: status(grpc.status.INVALID_ARGUMENT,
          'the call has no lever-url header (expected: lever://<env>/<service>/<method> naming the method to call)'),
      };
    }
    let url;
    try {
      url = parseHeader(String(text));
    } catch (e) {
      return { refused: status(grpc.status.INVALID_ARGUMENT, 'lever-url header: ' + e.message) };
    }
    const fn = this.service.methods.get(url.method);
    if (!fn) {
      return {
        refused: status(grpc.status.NOT_FOUND, "method '" + url.method + "' not found in service '" + url.service +
          "' (exported: " + this.service.names.join(', ') + ')'),
      };
    }
    if (isChanMethod(url.method) && !streaming) {
      return {
        refused: status(grpc.status.FAILED_PRECONDITION, "method '" + url.method +
          "' is a streaming method (its name ends in Chan or _chan): call it with HandleStreamingRPC" +
          ' (invokeChan in the clients)'),
      };
    }
    if (!isChanMethod(url.method) && streaming) {
      return {
        refused: status(grpc.status.FAILED_PRECONDITION, "method '" + url.method +
          "' is not a streaming method: call it with HandleRPC (invoke in the clients)"),
      };
    }
    return { url, fn };
  }

  _leading(url) {
    return url.hasResource() ? [url.resource] : [];
  }

  handleRpc(call, callback) {
    const { refused, url, fn } = this._find(call, false);
    if (refused) return callback(refused);
    const args = [...this._leading(url), ...json.decodeArgs(call.request)];
    this._begin();
    // The handler (and what it starts) sees the call's trace context: leveros.traceContext().
    trace.runIn(trace.fromMetadata(call.metadata), () => callMethod(fn, this.service.target, args, (isError, value) => {
      let reply;
      try {
        reply = replyFor(isError, value);
      } catch (e) {
        reply = errorFields("method '" + url.method + "': cannot encode its " + (isError ? 'error' : 'result') +
          ' as JSON: ' + e.message);
      }
      callback(null, reply);
      this._end();
    }));
  }

  handleStreamingRpc(call) {
    const { refused, url, fn } = this._find(call, true);
    call.on('error', () => {}); // client-side resets surface as 'cancelled'
    if (refused) {
      call.emit('error', refused);
      return;
    }
    this._begin();
    // The handler and every stream event it listens to run in the call's trace context.
    const context = trace.fromMetadata(call.metadata);
    const inContext = (f) => trace.runIn(context, f);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      this._end();
    };
    call.on('finish', finish);
    call.on('close', finish);
    let stream = null;
    call.on('cancelled', () => {
      finish();
      if (stream && !stream._closed) {
        stream._closed = true;
        inContext(() => stream._emitError(new Error('the stream was cancelled by the client')));
      }
    });
    call.on('data', (m) => {
      if (stream) {
        inContext(() => stream._receive(m));
        return;
      }
      if (m.message_oneof !== 'rpc') {
        call.emit('error', status(grpc.status.INVALID_ARGUMENT, 'the first client message must carry rpc'));
        return;
      }
      stream = new Stream(call, 'server');
      call.write({}); // the server's first message is empty
      const args = [stream, ...this._leading(url), ...json.decodeArgs(m.rpc)];
      const failed = (e) => {
        if (stream._ended || stream._closed) {
          this.log("lever-node-runtime: streaming method '" + url.method + "' failed after ending its stream: " +
            describeError(e));
          return;
        }
        stream.sendError(e === undefined || e === null ? new Error('the method failed') : e);
        stream.end();
      };
      inContext(() => {
        try {
          const returned = fn.apply(this.service.target, args);
          if (returned && typeof returned.then === 'function') Promise.resolve(returned).catch(failed);
        } catch (e) {
          failed(e);
        }
      });
    });
    call.on('end', () => {
      if (stream) inContext(() => stream._emitEnd());
    });
  }

  _begin() {
    this.inFlight++;
  }

  _end() {
    this.inFlight--;
  }

  /** Binds the port (readiness) and resolves with the bound port. */
  listen(host, port) {
    // 64 KiB of headers: a long resource's non-ASCII characters travel escaped in lever-url (3 bytes each).
    const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_metadata_size': 64 * 1024 });
    server.addService(leverRpc().service, {
      HandleRPC: (call, callback) => this.handleRpc(call, callback),
      HandleStreamingRPC: (call) => this.handleStreamingRpc(call),
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.bindAsync(formatAddress(host, port), grpc.ServerCredentials.createInsecure(), (err, bound) => {
        if (err) reject(err);
        else resolve(bound);
      });
    });
  }

  /**
   * Drain: refuse new calls (GOAWAY, listener closed), wait up to 10 s for the
   * calls in flight, then stop. Calls done(forced). A call whose stream came
   * before the GOAWAY is served even if its handler starts after it: the
   * client was told it would be, and cannot send it elsewhere.
   */
  drain(done, timeoutMs = DRAIN_TIMEOUT_MS) {
    if (this.draining) return;
    this.draining = true;
    let over = false;
    const finish = (forced) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      if (forced) this.server.forceShutdown();
      done(forced);
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    // tryShutdown closes the listener and sends GOAWAY; each connection closes
    // once its calls are done (replies flushed), then the callback runs.
    this.server.tryShutdown(() => finish(false));
  }
}

function formatAddress(host, port) {
  return (host.includes(':') && !host.startsWith('[') ? '[' + host + ']' : host) + ':' + port;
}

function parsePort(text) {
  if (text === undefined || text === '') return 3837;
  if (!/^\d+$/.test(text) || Number(text) > 65535) {
    throw new StartFailure("invalid LEVEROS_PORT '" + text + "' (expected a port number, 0 for any free port)");
  }
  return Number(text);
}

/** The runtime's main: argv = [entry]. */
/**
 * Serves argv[0]'s module. A warm runtime passes when its order arrived (performance.now()): the
 * start it reports is measured from then, and says so.
 */
async function main(argv, orderReceived) {
  const fail = (message) => {
    process.stderr.write('lever-node-runtime: ' + message.replace(/\s*\n\s*/g, ' ') + '\n');
    process.exit(1);
  };
  let runtime;
  let bound;
  const host = process.env.LEVEROS_LISTEN_HOST || '127.0.0.1';
  try {
    const port = parsePort(process.env.LEVEROS_PORT);
    provideLeverosModule();
    const service = loadService(argv[0], process.cwd());
    runtime = new Runtime(service, {});
    try {
      bound = await runtime.listen(host, port);
    } catch (e) {
      throw new StartFailure('cannot listen on ' + formatAddress(host, port) + ': ' + e.message);
    }
  } catch (e) {
    if (e instanceof StartFailure) return fail(e.message);
    return fail('start failed: ' + describeError(e));
  }
  process.once('SIGTERM', () => {
    process.stdout.write('draining: ' + runtime.inFlight + ' calls in flight\n');
    runtime.drain((forced) => {
      if (forced) process.stderr.write('lever-node-runtime: calls still running after 10 s, stopping\n');
      process.exit(143);
    });
  });
  const names = runtime.service.names;
  const count = names.length + (names.length === 1 ? ' method' : ' methods') + (names.length ? ': ' + names.join(', ') : '');
  const elapsed = Math.round(performance.now() - (orderReceived || 0));
  process.stdout.write('serving ' + argv[0] + ' (' + count + ') on ' + formatAddress(host, bound) + ' in ' +
    elapsed + ' ms' + (orderReceived === undefined ? '' : ', warm') + '\n');
}

module.exports = { main, loadService, callMethod, Runtime, StartFailure, methodNames };
