// The __NAME__ service: every exported function is a Lever method. Call them with
//   lever invoke /__NAME__/sayHello '"world"'
//   lever stream /__NAME__/shoutChan
// To call another service: const leveros = require('leveros'); new leveros.Client().service(...)

/** A regular method: JSON arguments in, a JSON result out (return it, or a promise of it). */
async function sayHello(name) {
  return 'Hello, ' + name + '!';
}

/**
 * A streaming method (its name ends in Chan): answers each message the caller sends with the same
 * text in capitals, until the caller is done sending.
 */
function shoutChan(stream) {
  stream.on('data', (message) => stream.write(shout(message)));
  stream.on('end', () => stream.end());
}

function shout(text) {
  return String(text).toUpperCase() + '!';
}

module.exports = { sayHello, shoutChan };
