'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');

test('proto/leverrpc.proto is identical to the repository proto (after its 3-line header)', () => {
  const original = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'proto', 'src', 'main', 'proto', 'core',
    'leverrpc.proto'), 'utf8');
  const copy = fs.readFileSync(path.join(__dirname, '..', 'proto', 'leverrpc.proto'), 'utf8');
  const lines = copy.split('\n');
  assert.match(lines[0], /^\/\/ COPY of proto\/src\/main\/proto\/core\/leverrpc\.proto/);
  assert.strictEqual(lines.slice(3).join('\n'), original,
    'runtimes/node/proto/leverrpc.proto differs from proto/src/main/proto/core/leverrpc.proto: copy it again');
});
