// The logs tests' service (LogsIT): says where it runs when it starts, writes what it is told to
// stdout, its last words to stderr before it crashes, and floods stdout on demand.
const fs = require('fs');

const instance = process.env.LEVEROS_INSTANCE_ID;
console.log('started ' + instance);

module.exports.say = async function (text) {
  console.log(text + ' from ' + instance);
  return instance;
};

module.exports.crash = function (callback) {
  console.error('last words of ' + instance);
  setTimeout(() => process.exit(3), 50);
  callback(null, instance);
};

/**
 * Writes megabytes MiB of 1 KiB lines straight to fd 1, as fast as the pipe takes them (nothing
 * queues in this process); answers how long it took (ms).
 */
module.exports.flood = async function (megabytes) {
  const chunk = Buffer.from(('x'.repeat(1023) + '\n').repeat(64)); // 64 KiB per write
  const started = Date.now();
  for (let i = 0; i < megabytes * 16; i++) {
    writeAll(chunk);
  }
  return Date.now() - started;
};

function writeAll(buffer) {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let written = 0; written < buffer.length; ) {
    try {
      written += fs.writeSync(1, buffer, written);
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 0.05); // the pipe is full: the node has not read it yet
    }
  }
}
