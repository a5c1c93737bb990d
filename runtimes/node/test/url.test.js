'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { LeverUrl, isChanMethod, formatHeader, parseHeader } = require('../lib/url');

test('absolute URLs: service before the first /, method after the last, resource between', () => {
  const u = LeverUrl.parse('lever://dev.lever/svc/res/with/slashes/method');
  assert.deepStrictEqual([u.environment, u.service, u.resource, u.method], ['dev.lever', 'svc', 'res/with/slashes', 'method']);
  const p = LeverUrl.parse('lever://dev.lever:8080/svc/m');
  assert.deepStrictEqual([p.environment, p.service, p.resource, p.method], ['dev.lever', 'svc', '', 'm']);
  assert.strictEqual(p.toString(), 'lever://dev.lever/svc//m');
  assert.strictEqual(LeverUrl.parse(p.toString()).resource, '');
  assert.strictEqual(LeverUrl.parse('lever://e/s/r/m').toString(), 'lever://e/s/r/m');
});

test('relative URLs', () => {
  const u = LeverUrl.parse('/helloService/sayHello');
  assert.strictEqual(u.environment, null);
  assert.strictEqual(u.isAbsolute(), false);
  assert.deepStrictEqual([u.service, u.resource, u.method], ['helloService', '', 'sayHello']);
  assert.strictEqual(u.toString(), '/helloService/sayHello');
  assert.strictEqual(LeverUrl.parse('/s/r/m').toString(), '/s/r/m');
  assert.strictEqual(u.withEnvironment('x.lever').toString(), 'lever://x.lever/helloService//sayHello');
});

test('invalid URLs', () => {
  assert.throws(() => LeverUrl.parse(''), /empty Lever URL/);
  assert.throws(() => LeverUrl.parse('lever://env'), /names no environment or no path/);
  assert.throws(() => LeverUrl.parse('lever:///svc/m'), /names no environment or no path/);
  assert.throws(() => LeverUrl.parse('http://env/svc/m'), /has the scheme 'http'/);
  assert.throws(() => LeverUrl.parse('svc/m'), /is not a Lever URL/);
  assert.throws(() => LeverUrl.parse('/svc'), /has no method/);
  assert.throws(() => LeverUrl.parse('//m'), /empty service name/);
  assert.throws(() => LeverUrl.parse('/svc/'), /empty method name/);
});

test('streaming method names', () => {
  for (const m of ['fooChan', 'foo_chan', 'chan', 'Chan']) assert.ok(isChanMethod(m), m);
  for (const m of ['foo', 'channel', 'fooChannel', 'chanFoo', 'foochan']) assert.ok(!isChanMethod(m), m);
});

test('lever-url header: the resource escaped to printable ASCII, as the Java LeverUrlHeader', () => {
  assert.strictEqual(formatHeader(new LeverUrl('dev.lever', 'svc', 'a/b/c', 'm')), 'lever://dev.lever/svc/a/b/c/m');
  const url = new LeverUrl('dev.lever', 'svc', 'héllo wörld/日本/100%/😀', 'whoHolds');
  const header = formatHeader(url);
  assert.strictEqual(header,
    'lever://dev.lever/svc/h%C3%A9llo%20w%C3%B6rld/%E6%97%A5%E6%9C%AC/100%25/%F0%9F%98%80/whoHolds');
  assert.deepStrictEqual(parseHeader(header), url);
  assert.strictEqual(parseHeader('lever://e/s/plain/m').resource, 'plain');
  assert.throws(() => parseHeader('lever://e/s/50%zz/m'), /'%' at position 2 not followed by two hex digits/);
  assert.throws(() => parseHeader('lever://e/s/%FF/m'), /not UTF-8/);
});
