'use strict';
// Lever URLs, as io.leveros.core.url.LeverUrl / MethodNames in the Java core:
//   absolute  lever://<env>[:port]/<service>[/<resource>]/<method>
//   relative  /<service>[/<resource>]/<method>
// The service is the text before the first '/', the method the text after the
// last one, the resource everything in between (so it may contain '/').

const SCHEME = 'lever://';

class InvalidLeverUrlError extends Error {
  constructor(message) {
    super(message);
    this.name = 'InvalidLeverUrlError';
  }
}

class LeverUrl {
  /**
   * @param {string|null} environment null for a relative URL
   * @param {string} service
   * @param {string} resource '' when none
   * @param {string} method
   */
  constructor(environment, service, resource, method) {
    this.environment = environment == null ? null : environment;
    this.service = service;
    this.resource = resource == null ? '' : resource;
    this.method = method;
  }

  static parse(text) {
    if (typeof text !== 'string' || text === '') {
      throw new InvalidLeverUrlError(
        'empty Lever URL (expected: lever://<env>/<service>/<method> or /<service>/<method>)');
    }
    if (text.startsWith(SCHEME)) {
      const rest = text.substring(SCHEME.length);
      const slash = rest.indexOf('/');
      if (slash <= 0) {
        throw new InvalidLeverUrlError(
          "'" + text + "' names no environment or no path (expected: lever://<env>/<service>/<method>)");
      }
      const environment = stripPort(rest.substring(0, slash));
      return LeverUrl.parsePath(text, environment, rest.substring(slash + 1));
    }
    const colon = text.indexOf('://');
    if (colon >= 0) {
      throw new InvalidLeverUrlError("'" + text + "' has the scheme '" + text.substring(0, colon) +
        "' (expected: lever:// or a relative URL starting with /)");
    }
    if (!text.startsWith('/')) {
      throw new InvalidLeverUrlError("'" + text +
        "' is not a Lever URL (expected: lever://<env>/<service>/<method> or /<service>/<method>)");
    }
    return LeverUrl.parsePath(text, null, text.substring(1));
  }

  /** Parses `<service>[/<resource>]/<method>` (no leading slash). */
  static parsePath(original, environment, path) {
    const first = path.indexOf('/');
    const last = path.lastIndexOf('/');
    if (first < 0) {
      throw new InvalidLeverUrlError(
        "'" + original + "' has no method (expected: <service>[/<resource>]/<method>)");
    }
    const service = path.substring(0, first);
    const method = path.substring(last + 1);
    if (service === '') {
      throw new InvalidLeverUrlError("'" + original + "' has an empty service name");
    }
    if (method === '') {
      throw new InvalidLeverUrlError("'" + original + "' has an empty method name");
    }
    const resource = first === last ? '' : path.substring(first + 1, last);
    return new LeverUrl(environment, service, resource, method);
  }

  isAbsolute() { return this.environment !== null; }

  hasResource() { return this.resource !== ''; }

  withEnvironment(env) { return new LeverUrl(env, this.service, this.resource, this.method); }

  isStreaming() { return isChanMethod(this.method); }

  /** Like the original, an absolute URL always writes the resource slot: lever://env/svc//method. */
  toString() {
    const path = this.service + '/' +
      (this.hasResource() ? this.resource + '/' : (this.isAbsolute() ? '/' : '')) + this.method;
    return this.isAbsolute() ? SCHEME + this.environment + '/' + path : '/' + path;
  }
}

// The lever-url gRPC header must be printable ASCII (grpc-js refuses anything
// else, grpc-java turns it into '?'), so the resource's UTF-8 bytes outside
// '!'..'~', and '%' itself, travel as %XX; an ASCII resource is sent as it is.
// Same rule as io.leveros.core.url.LeverUrlHeader in the Java core.

function needsEscaping(resource) {
  for (let i = 0; i < resource.length; i++) {
    const c = resource.charCodeAt(i);
    if (c <= 0x20 || c > 0x7e || c === 0x25) return true;
  }
  return false;
}

/** The lever-url header value for a LeverUrl. */
function formatHeader(url) {
  if (!needsEscaping(url.resource)) return url.toString();
  let escaped = '';
  for (const b of Buffer.from(url.resource, 'utf8')) {
    escaped += b <= 0x20 || b > 0x7e || b === 0x25
      ? '%' + b.toString(16).toUpperCase().padStart(2, '0') : String.fromCharCode(b);
  }
  return new LeverUrl(url.environment, url.service, escaped, url.method).toString();
}

/** The LeverUrl a lever-url header names, its resource unescaped. */
function parseHeader(text) {
  const url = LeverUrl.parse(text);
  const resource = url.resource;
  if (!resource.includes('%')) return url;
  const bytes = [];
  for (let i = 0; i < resource.length; i++) {
    const c = resource.charCodeAt(i);
    if (c !== 0x25) {
      bytes.push(c);
      continue;
    }
    const hex = resource.substring(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
      throw new InvalidLeverUrlError("'" + text + "': the resource has '%' at position " + i +
        " not followed by two hex digits (expected: %XX escapes, '%' itself written %25)");
    }
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  let decoded;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch (e) {
    throw new InvalidLeverUrlError("'" + text + "': the resource's %XX escapes are not UTF-8 (expected: UTF-8 bytes)");
  }
  return new LeverUrl(url.environment, url.service, decoded, url.method);
}

function stripPort(host) {
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.substring(0, colon);
}

/** A method is streaming if its name ends in Chan or _chan, or is chan. */
function isChanMethod(method) {
  return method.endsWith('Chan') || method.endsWith('_chan') || method === 'chan';
}

/** Names starting with '_' are private to the service and never exported. */
function isExportedName(method) {
  return method !== '' && method.charAt(0) !== '_';
}

module.exports = {
  LeverUrl, InvalidLeverUrlError, isChanMethod, isExportedName, parse: LeverUrl.parse, formatHeader, parseHeader,
};
