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

module.exports = { LeverUrl, InvalidLeverUrlError, isChanMethod, isExportedName, parse: LeverUrl.parse };
