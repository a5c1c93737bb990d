#!/usr/bin/env node
'use strict';
// Runs a Lever service module as an instance:
//   cd <code folder> && LEVEROS_PORT=... node <repo>/runtimes/node/bin/lever-node-runtime.js <jsEntry>
// or, as a warm runtime the data plane starts ahead of need (see ../lib/warm.js):
//   node <repo>/runtimes/node/bin/lever-node-runtime.js --warm
const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--warm') {
  require('../lib/warm').main();
} else {
  require('../lib/server').main(args);
}
