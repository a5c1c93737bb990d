'use strict';
// The npm package "leveros": the Node client of Lever OS (original API) and helpers.
const { Client, Endpoint } = require('./client');
const { Stream } = require('./stream');
const url = require('./url');
const trace = require('./trace');

module.exports = {
  Client,
  Endpoint,
  Stream,
  LeverUrl: url.LeverUrl,
  InvalidLeverUrlError: url.InvalidLeverUrlError,
  parseLeverUrl: url.LeverUrl.parse,
  isChanMethod: url.isChanMethod,
  traceContext: trace.traceContext,
  parseTraceContext: trace.parseTraceContext,
  withTraceContext: trace.withTraceContext,
};
