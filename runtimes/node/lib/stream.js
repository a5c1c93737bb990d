'use strict';
// The stream object of a streaming call (both sides), as in the original
// js/leveros-common/lib/stream.js: write(msg|Buffer), end(), and the events
// 'data' (a JSON value, or a Buffer for a byte message), 'error' (an Error: the
// peer sent an error message, or the call failed) and 'end' (the peer closed its
// side). Additions: sendError(value) sends an error message (an Error sends its
// message, a Buffer a byte error, anything else its JSON), cancel() aborts the call.
const { EventEmitter } = require('events');
const json = require('./json');

class Stream extends EventEmitter {
  /** @param call the gRPC duplex call; @param role 'client' or 'server' */
  constructor(call, role) {
    super();
    this._call = call;
    this._role = role;
    this._ended = false; // our side is closed
    this._closed = false; // the whole stream is over
  }

  /** Sends a message: a Buffer/Uint8Array as a byte message, anything else as JSON. */
  write(msg) {
    if (this._ended || this._closed) return false;
    const out = json.isBytes(msg) ? { byte_message: json.toBuffer(msg) } : { message: json.encode(msg) };
    this._call.write(out);
    return true;
  }

  /** Sends an error message on the stream (the stream stays open). */
  sendError(value) {
    if (this._ended || this._closed) return false;
    this._call.write(errorMessage(value));
    return true;
  }

  /**
   * Closes our side. On the client this half-closes (the server may still
   * send); on the server it ends the call cleanly (status OK).
   */
  end() {
    if (this._ended || this._closed) return;
    this._ended = true;
    this._call.end();
  }

  /** Aborts the call (no 'error' event follows on this side). */
  cancel() {
    if (this._closed) return;
    this._closed = true;
    this._cancelled = true;
    if (typeof this._call.cancel === 'function') this._call.cancel();
    else this._call.destroy();
  }

  /** Handles one StreamMessage from the peer. */
  _receive(m) {
    switch (m.message_oneof) {
      case 'message':
        this.emit('data', json.decode(m.message));
        break;
      case 'byte_message':
        this.emit('data', json.toBuffer(m.byte_message));
        break;
      case 'error':
        this._emitError(remoteError(json.decode(m.error)));
        break;
      case 'byte_error':
        this._emitError(remoteByteError(json.toBuffer(m.byte_error)));
        break;
      case 'rpc':
        this._emitError(new Error('protocol error: only the first client message may carry rpc'));
        break;
      default:
        // An empty message: nothing to deliver.
        break;
    }
  }

  _emitError(err) {
    if (this.listenerCount('error') > 0) {
      this.emit('error', err);
    } else {
      process.stderr.write('leveros: unhandled stream error: ' + err.message + '\n');
    }
  }

  _emitEnd() {
    if (this._peerEnded) return;
    this._peerEnded = true;
    this.emit('end');
  }
}

/** The StreamMessage/RPCReply error fields for an error value. */
function errorFields(value) {
  if (value instanceof Error) {
    return { error: { json_string: value.message || value.name || 'Error' } };
  }
  if (json.isBytes(value)) {
    return { byte_error: json.toBuffer(value) };
  }
  return { error: json.encode(value) };
}

function errorMessage(value) {
  return errorFields(value);
}

/** A JSON error from the remote side: new Error(value) (a string as is, other JSON as text). */
function remoteError(value) {
  const err = new Error(json.errorText(value));
  err.remote = true;
  err.value = value;
  return err;
}

/** A byte error from the remote side: an Error carrying .bytes. */
function remoteByteError(bytes) {
  const err = new Error('remote byte error (' + bytes.length + ' bytes)');
  err.remote = true;
  err.bytes = bytes;
  return err;
}

module.exports = { Stream, errorFields, remoteError, remoteByteError };
