package io.leveros.dataplane.ingress;

import io.leveros.core.json.JsonValues;
import io.leveros.core.json.MalformedJsonException;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.stream.InstanceStreams;
import io.leveros.dataplane.stream.StreamBridge;
import io.leveros.dataplane.stream.StreamMessages;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.JSONArray;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * A streaming method called over HTTP: the request body's first line is the JSON array of
 * arguments; after it come newline-delimited JSON messages ({@code application/json}) or raw byte
 * chunks (any other type), each chunk one byte message. The reply is 200 once the instance has
 * opened the stream, then each message as it comes: JSON as one line ({@code
 * application/x-ndjson}), bytes raw. The end of the request body half-closes the stream.
 *
 * <p>An error before the stream opens is an ordinary error reply. Once the reply has started, an
 * error ends it with the trailers {@code Lever-Error} ({@code service} or {@code platform}) and
 * {@code Lever-Error-Message} (the service's error value as JSON, or the platform's {@code
 * {"code","message"}}); a complete stream ends without them.
 */
public final class HttpStream extends StreamBridge {
    static final CharSequence NDJSON = HttpHeaders.createOptimized("application/x-ndjson");
    static final CharSequence ERROR_MESSAGE = HttpHeaders.createOptimized("Lever-Error-Message");
    private static final CharSequence TRAILER = HttpHeaders.createOptimized("Trailer");
    private static final CharSequence ERROR_TRAILERS = HttpHeaders.createOptimized("Lever-Error, Lever-Error-Message");
    private static final Buffer NEWLINE = Buffer.buffer("\n");

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final boolean jsonMessages;
    private final LineSplitter lines;
    private final Call call;
    private JSONArray args;
    private Buffer afterArgs;
    private boolean started;
    private boolean requestEnded;
    private boolean pausedByInstance;

    private HttpStream(InstanceStreams instances, HttpServerRequest request, ContentKind kind, Call call) {
        super(instances);
        this.request = request;
        this.response = request.response();
        this.jsonMessages = kind == ContentKind.JSON;
        this.lines = new LineSplitter(InstanceClient.MAX_MESSAGE_SIZE, this::line);
        this.call = call;
    }

    /** Reads the arguments line, then opens the stream on an instance. Never blocks. */
    static void start(InstanceStreams instances, HttpServerRequest request, ContentKind kind, Call call) {
        HttpStream stream = new HttpStream(instances, request, kind, call);
        request.handler(stream::chunk);
        request.endHandler(v -> stream.requestEnded());
        request.exceptionHandler(failure -> stream.end(new End.ClientGone()));
        stream.response.closeHandler(v -> stream.end(new End.ClientGone()));
    }

    private void chunk(Buffer chunk) {
        try {
            if (args != null && !jsonMessages) {
                send(StreamMessages.byteMessage(chunk));
                return;
            }
            Buffer rest = lines.feed(chunk);
            if (args != null && !started) { // the chunk held the arguments line: open the stream
                started = true;
                afterArgs = rest;
                request.pause();
                start(call, args);
            }
        } catch (CallException e) {
            end(new End.PlatformError(e));
        }
    }

    /** One line of the body: the arguments first, then (JSON mode) a message. */
    private boolean line(Buffer line) {
        if (args == null) {
            try {
                args = JsonValues.parseArgs(line.getBytes());
            } catch (MalformedJsonException e) {
                throw new CallException(
                        ErrorCode.MALFORMED_REQUEST,
                        "the first line of a streaming request must be the JSON array of arguments: " + e.getMessage());
            }
            return false;
        }
        send(StreamMessages.jsonMessage(line.getBytes()));
        return true;
    }

    private void requestEnded() {
        requestEnded = true;
        try {
            if (args == null) {
                lines.finish(); // a body of just the arguments, without a newline
                if (args == null) {
                    throw new CallException(
                            ErrorCode.MALFORMED_REQUEST,
                            "the streaming request's body is empty (expected: a first line with the JSON array of"
                                    + " arguments, e.g. [])");
                }
                started = true;
                start(call, args);
                return;
            }
            if (jsonMessages) {
                lines.finish();
            }
            clientEnded();
        } catch (CallException e) {
            end(new End.PlatformError(e));
        }
    }

    @Override
    protected void onOpen() {
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, jsonMessages ? NDJSON : HttpReplies.BYTES)
                .putHeader(TRAILER, ERROR_TRAILERS)
                .writeHead();
        if (afterArgs != null) {
            Buffer rest = afterArgs;
            afterArgs = null;
            chunk(rest);
        }
        if (requestEnded) {
            clientEnded();
        } else if (!pausedByInstance) {
            request.resume();
        }
    }

    @Override
    protected boolean deliverJson(JSON message) {
        response.write(Buffer.buffer(JsonValues.toBytes(message)).appendBuffer(NEWLINE));
        return response.writeQueueFull();
    }

    @Override
    protected boolean deliverBytes(Buffer bytes) {
        response.write(bytes);
        return response.writeQueueFull();
    }

    @Override
    protected void onClientDrained(Runnable resume) {
        response.drainHandler(v -> resume.run());
    }

    @Override
    protected void pauseClient() {
        pausedByInstance = true;
        request.pause();
    }

    @Override
    protected void resumeClient() {
        pausedByInstance = false;
        request.resume();
    }

    @Override
    protected void finish(End how) {
        if (how instanceof End.ClientGone || response.ended() || response.closed()) {
            return;
        }
        Future<Void> written;
        if (!response.headWritten()) {
            written = switch (how) {
                case End.PlatformError platform -> HttpReplies.error(response, platform.error());
                case End.ServiceError service -> HttpReplies.serviceError(response, service.error());
                default -> response.end();
            };
        } else {
            switch (how) {
                case End.ServiceError service ->
                    response.putTrailer(HttpReplies.LEVER_ERROR, HttpReplies.SERVICE)
                            .putTrailer(ERROR_MESSAGE, asciiOnly(StreamMessages.errorText(service.error())));
                case End.PlatformError platform ->
                    response.putTrailer(HttpReplies.LEVER_ERROR, HttpReplies.PLATFORM)
                            .putTrailer(
                                    ERROR_MESSAGE,
                                    asciiOnly(HttpReplies.errorBody(
                                                    platform.error().code(),
                                                    platform.error().getMessage())
                                            .toString()));
                default -> {}
            }
            written = response.end();
        }
        if (!request.isEnded()) { // the client is still sending a body nobody will read: stop it
            written.onComplete(v -> {
                if (request.version() == HttpVersion.HTTP_2) {
                    response.reset(0);
                } else {
                    request.connection().close();
                }
            });
        }
    }

    /** JSON text with every non-ASCII character escaped, as header values must be ASCII. */
    static String asciiOnly(String json) {
        StringBuilder ascii = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x80) {
                if (ascii != null) {
                    ascii.append(c);
                }
                continue;
            }
            if (ascii == null) {
                ascii = new StringBuilder(json.length() + 16).append(json, 0, i);
            }
            ascii.append(String.format("\\u%04x", (int) c));
        }
        return ascii == null ? json : ascii.toString();
    }
}
