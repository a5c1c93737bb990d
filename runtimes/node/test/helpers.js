'use strict';
const { spawn } = require('child_process');
const net = require('net');
const path = require('path');

const RUNTIME = path.join(__dirname, '..', 'bin', 'lever-node-runtime.js');
const FIXTURES = path.join(__dirname, 'fixtures');

/** A free TCP port (listen on 0, close). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

function delay(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until cond() is true (or throws after timeoutMs). */
async function waitFor(cond, timeoutMs = 10000, what = 'condition') {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await delay(10);
  }
}

/**
 * Spawns the runtime (a real child process) in test/fixtures/<fixture> serving
 * <entry> on a free port. Resolves once the port accepts connections, or once
 * the process has exited (check .exited). options.warm starts it as a warm
 * runtime and orders it (options.order: the order's text instead).
 */
async function startRuntime(fixture, entry = 'server.js', extraEnv = {}, options = {}) {
  const port = await freePort();
  const started = Date.now();
  const env = { ...process.env, LEVEROS_PORT: String(port), LEVEROS_ENVIRONMENT: 'dev.lever', ...extraEnv };
  // warm: started as the data plane starts a warm runtime (no service, the environment of no
  // instance), then ordered on its standard input to serve the entry with env
  const proc = spawn(process.execPath, options.warm ? [RUNTIME, '--warm'] : [RUNTIME, entry], {
    cwd: path.join(FIXTURES, fixture),
    env: options.warm ? { ...process.env, LEVEROS_INSTANCE_ID: 'not-yet-known' } : env,
    stdio: [options.warm ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  if (options.warm) {
    proc.stdin.end(options.order !== undefined ? options.order
      : JSON.stringify({ args: [entry], environment: env }) + '\n');
  }
  const rt = { proc, port, stdout: '', stderr: '', exited: null, everConnected: false, startMs: null };
  proc.stdout.on('data', (d) => { rt.stdout += d; });
  proc.stderr.on('data', (d) => { rt.stderr += d; });
  rt.exitPromise = new Promise((resolve) => {
    proc.on('exit', (code, signal) => { rt.exited = { code, signal }; resolve(rt.exited); });
  });
  await waitFor(async () => {
    if (rt.exited) return true;
    if (await canConnect(port)) {
      rt.everConnected = true;
      return true;
    }
    return false;
  }, 15000, 'the runtime to open port ' + port);
  rt.startMs = Date.now() - started;
  if (rt.everConnected) {
    // The ready line is printed right after the port opens; it may reach us a moment later.
    await waitFor(() => rt.stdout.includes('\n') || rt.exited, 5000, 'the ready line');
  }
  rt.stop = async () => {
    if (!rt.exited) {
      proc.kill('SIGKILL');
      await rt.exitPromise;
    }
  };
  return rt;
}

module.exports = { freePort, canConnect, waitFor, startRuntime, delay, FIXTURES };
