// The end-to-end tests' Node service. Its methods mirror the Java test service
// (system-tests/services/java) so that one conformance suite runs against both
// runtimes; some use the original callback style, some are async functions.
const leveros = require('leveros');

module.exports.sayHello = function (name, callback) {
    callback(null, 'Hello, ' + name + '!');
};

// The original system test service.
module.exports.BasicHello = function (name, callback) {
    callback(null, 'hello ' + name);
};

module.exports.BasicError = function (message, callback) {
    callback(new Error('error sent: ' + message));
};

module.exports.ReqReplyStreamChan = function (stream, prefix) {
    stream.on('data', (message) => stream.write(prefix + ':' + message + ' received'));
    stream.on('end', () => stream.end());
};

module.exports.echo = async function (value) {
    return value;
};

module.exports.reverseBytes = async function (data) {
    return Buffer.from(data).reverse();
};

module.exports.fail = async function (message) {
    throw new Error(message);
};

module.exports.failWithValue = function (callback) {
    callback({code: 42, reason: 'custom'});
};

module.exports.failWithBytes = function (callback) {
    callback(Buffer.from([1, 2, 3]));
};

// The instance's process id, for tests that look at the process from outside.
module.exports.pid = async function () {
    return process.pid;
};

module.exports.instanceId = async function () {
    return process.env.LEVEROS_INSTANCE_ID;
};

module.exports.slow = function (millis, callback) {
    console.log('slow call started: ' + millis + ' ms');
    setTimeout(() => callback(null, process.env.LEVEROS_INSTANCE_ID), millis);
};

module.exports.whoAmI = async function () {
    return {
        env: process.env.LEVEROS_ENVIRONMENT,
        service: process.env.LEVEROS_SERVICE,
        instanceId: process.env.LEVEROS_INSTANCE_ID,
        codeVersion: process.env.LEVEROS_CODE_VERSION,
    };
};

// Calls /<service>/<method> in this service's environment, through the internal gateway.
module.exports.callOther = function (service, method, argument) {
    return new leveros.Client().invokeURL('/' + service + '/' + method, argument);
};

// The W3C trace context this call came with: {traceparent, tracestate, traceId, parentId}, or {}.
function seenTraceContext() {
    const t = leveros.traceContext();
    return t ? {traceparent: t.traceparent, tracestate: t.tracestate, traceId: t.traceId, parentId: t.parentId} : {};
}

module.exports.traceContext = async function () {
    return seenTraceContext();
};

// Calls /<service>/traceContext through the internal gateway: {own, callee}.
module.exports.traceCall = async function (service) {
    const own = seenTraceContext();
    const client = new leveros.Client();
    try {
        return {own: own, callee: await client.invokeURL('/' + service + '/traceContext')};
    } finally {
        client.close();
    }
};

module.exports._secret = function (callback) {
    callback(null, 'never exported');
};

module.exports.notAMethod = 42;

module.exports.echoChan = function (stream) {
    stream.on('data', (message) => stream.write(message));
    stream.on('end', () => stream.end());
};

module.exports.failChan = function (stream) {
    stream.once('data', (message) => {
        stream.write(message);
        stream.sendError('failed mid-stream');
        stream.end();
    });
};

// Takes `megabytes` of memory outside the V8 heap and holds it: for the ram limit tests.
const held = [];
module.exports.hog = async function (megabytes) {
    for (let i = 0; i < megabytes; i++) {
        held.push(Buffer.alloc(1024 * 1024, 1));
    }
    return held.length;
};

// Resources: the resource is the first argument when the call names one. What
// NewResource and CloseResource recorded on this instance, in order.
const resourceEvents = [];

module.exports.NewResource = function (resource, callback) {
    resourceEvents.push('new:' + resource);
    callback(null, null);
};

module.exports.CloseResource = function (resource, callback) {
    resourceEvents.push('close:' + resource);
    callback(null, null);
};

// Called as /<service>/<resource>/whoHolds. (A plain call passes no resource: '' then.)
module.exports.whoHolds = async function (...args) {
    const resource = typeof args[0] === 'string' ? args[0] : '';
    return {
        instance: process.env.LEVEROS_INSTANCE_ID,
        resource: resource,
        opened: resourceEvents.lastIndexOf('new:' + resource) > resourceEvents.lastIndexOf('close:' + resource),
    };
};

module.exports.resourceEvents = async function () {
    return {instance: process.env.LEVEROS_INSTANCE_ID, events: resourceEvents.slice()};
};

// Sends {instance, resource}, then echoes every message until the client ends.
module.exports.resourceChan = function (stream, resource) {
    stream.write({instance: process.env.LEVEROS_INSTANCE_ID, resource: typeof resource === 'string' ? resource : ''});
    stream.on('data', (message) => stream.write(message));
    stream.on('end', () => stream.end());
};
