#!/usr/bin/env node
'use strict';
// Runs a Lever service module as an instance:
//   cd <code folder> && LEVEROS_PORT=... node <repo>/runtimes/node/bin/lever-node-runtime.js <jsEntry>
require('../lib/server').main(process.argv.slice(2));
