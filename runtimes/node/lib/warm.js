'use strict';
// A warm runtime: a Node process the data plane starts ahead of need, as the user, with the memory
// limit and in the code folder a future instance will have. It loads the runtime (gRPC, protobuf)
// and opens a server once, says 'warm runtime ready', then waits for its order: one line of JSON on
// standard input,
//   {"args": ["server.js"], "environment": {"LEVEROS_PORT": ..., ...}}
// written once the data plane has put the service's code in the folder. The order's environment
// replaces process.env, so the service (and whatever it spawns) sees what a normal start gives it.
const server = require('./server');

const MAX_ORDER_BYTES = 1024 * 1024;
/** The first line of its output: trained, it waits for its order (the data plane takes it only then). */
const READY_LINE = 'warm runtime ready';

function fail(message) {
  process.stderr.write('lever-node-runtime: warm runtime: ' + message + '\n');
  process.exit(1);
}

/** Parses the order; throws an Error naming what is wrong. */
function parseOrder(line) {
  let order;
  try {
    order = JSON.parse(line);
  } catch (e) {
    throw new Error('the order is not JSON: ' + e.message);
  }
  if (!order || !Array.isArray(order.args) || !order.environment || typeof order.environment !== 'object' ||
      Array.isArray(order.environment)) {
    throw new Error('the order ' + line + ' lacks args (an array) or environment (an object)');
  }
  return { args: order.args.map(String), environment: order.environment };
}

function replaceEnvironment(environment) {
  for (const name of Object.keys(process.env)) delete process.env[name];
  for (const [name, value] of Object.entries(environment)) process.env[name] = String(value);
}

/** Opens and closes a server once, so that gRPC's server code is loaded before the order. */
async function train() {
  const service = { entry: 'warm', methods: new Map([['hello', () => 'warm']]), names: ['hello'] };
  const trainer = new server.Runtime(service, {});
  await trainer.listen('127.0.0.1', 0);
  trainer.server.forceShutdown();
}

async function main() {
  try {
    await train();
  } catch (e) {
    fail('cannot train: ' + e.message);
  }
  process.stdout.write(READY_LINE + '\n');
  const chunks = [];
  let length = 0;
  let done = false;
  const onData = (chunk) => {
    const end = chunk.indexOf(10); // '\n'
    chunks.push(end < 0 ? chunk : chunk.subarray(0, end));
    length += chunk.length;
    if (end < 0) {
      if (length > MAX_ORDER_BYTES) fail('the order is over ' + MAX_ORDER_BYTES + ' bytes');
      return;
    }
    done = true;
    process.stdin.off('data', onData);
    process.stdin.pause();
    const received = performance.now();
    let order;
    try {
      order = parseOrder(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      return fail(e.message);
    }
    replaceEnvironment(order.environment);
    server.main(order.args, received);
  };
  process.stdin.on('data', onData);
  process.stdin.on('end', () => {
    if (!done) fail('standard input ended before the data plane named the service (expected one line of JSON)');
  });
}

module.exports = { main, parseOrder, replaceEnvironment };
