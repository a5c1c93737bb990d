'use strict';
// Loads core.LeverRPC from proto/leverrpc.proto (a copy of the repository's
// proto/src/main/proto/core/leverrpc.proto) for @grpc/grpc-js.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_PATH = path.join(__dirname, '..', 'proto', 'leverrpc.proto');

let cached = null;

/** The LeverRPC service constructor (client) and definition (server). */
function leverRpc() {
  if (cached === null) {
    const definition = protoLoader.loadSync(PROTO_PATH, {
      keepCase: true, // field names as in the .proto: byte_args, json_string...
      longs: String,
      enums: String,
      defaults: false, // an unset field stays absent (an unset JSON oneof = null)
      oneofs: true, // decoded messages name the set member: msg.json_value_oneof
    });
    cached = grpc.loadPackageDefinition(definition).core.LeverRPC;
  }
  return cached;
}

module.exports = { leverRpc, PROTO_PATH };
