package io.leveros.dataplane.ingress;

import io.leveros.core.json.JsonValues;
import io.leveros.core.json.MalformedJsonException;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.stream.InstanceStreams;
import io.leveros.dataplane.stream.StreamBridge;
import io.leveros.dataplane.stream.StreamMessages;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.JSONArray;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;

/**
 * A streaming method called over WebSocket (for browsers), on the same path as over HTTP. The first
 * message is the JSON array of arguments (text); then each message is one stream message: text is
 * JSON, binary is bytes. An empty text message half-closes the client's side (WebSocket has no
 * half-close of its own); closing the WebSocket cancels the stream.
 *
 * <p>The server closes the WebSocket when the stream ends: 1000 when the method returned, 4500 with
 * the service's error value (JSON, cut to the 123 bytes a close reason may hold) when it failed,
 * {@code 4000 +} the HTTP status of the platform error otherwise (4502 instance failure, 4503 no
 * instance, 4408 idle stream, 4400 malformed message ...), with its message as the reason.
 */
public final class WebSocketStream extends StreamBridge {
    static final short COMPLETED = 1000;
    static final short SERVICE_ERROR = 4500;
    private static final int PLATFORM_ERROR_BASE = 4000;
    private static final int MAX_CLOSE_REASON = 123;

    private final ServerWebSocket socket;
    private final Call call;
    private boolean started;
    private boolean pausedByInstance;

    private WebSocketStream(InstanceStreams instances, ServerWebSocket socket, Call call) {
        super(instances);
        this.socket = socket;
        this.call = call;
    }

    /** Accepts the upgrade; the stream opens on the first message (the arguments). */
    static void start(InstanceStreams instances, HttpServerRequest request, Call call) {
        request.toWebSocket().onSuccess(socket -> {
            WebSocketStream stream = new WebSocketStream(instances, socket, call);
            socket.textMessageHandler(stream::text);
            socket.binaryMessageHandler(stream::binary);
            socket.closeHandler(v -> stream.end(new End.ClientGone()));
            socket.exceptionHandler(failure -> stream.end(new End.ClientGone()));
        });
    }

    private void text(String text) {
        try {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            if (!started) {
                started = true;
                socket.pause();
                start(call, arguments(utf8));
            } else if (utf8.length == 0) {
                clientEnded();
            } else {
                send(StreamMessages.jsonMessage(utf8));
            }
        } catch (CallException e) {
            end(new End.PlatformError(e));
        }
    }

    private void binary(Buffer bytes) {
        if (!started) {
            end(new End.PlatformError(new CallException(
                    ErrorCode.MALFORMED_REQUEST,
                    "the first WebSocket message must be the JSON array of arguments, as text (got a binary"
                            + " message)")));
            return;
        }
        send(StreamMessages.byteMessage(bytes));
    }

    private static JSONArray arguments(byte[] utf8) {
        try {
            return JsonValues.parseArgs(utf8);
        } catch (MalformedJsonException e) {
            throw new CallException(
                    ErrorCode.MALFORMED_REQUEST,
                    "the first WebSocket message must be the JSON array of arguments: " + e.getMessage());
        }
    }

    @Override
    protected void onOpen() {
        if (!pausedByInstance) {
            socket.resume();
        }
    }

    @Override
    protected boolean deliverJson(JSON message) {
        socket.writeTextMessage(JsonValues.toJsonString(message));
        return socket.writeQueueFull();
    }

    @Override
    protected boolean deliverBytes(Buffer bytes) {
        socket.writeBinaryMessage(bytes);
        return socket.writeQueueFull();
    }

    @Override
    protected void onClientDrained(Runnable resume) {
        socket.drainHandler(v -> resume.run());
    }

    @Override
    protected void pauseClient() {
        pausedByInstance = true;
        socket.pause();
    }

    @Override
    protected void resumeClient() {
        pausedByInstance = false;
        socket.resume();
    }

    @Override
    protected void finish(End how) {
        if (socket.isClosed()) {
            return;
        }
        switch (how) {
            case End.Completed completed -> socket.close(COMPLETED);
            case End.ServiceError service ->
                socket.close(SERVICE_ERROR, reason(StreamMessages.errorText(service.error())));
            case End.PlatformError platform ->
                socket.close(
                        (short) (PLATFORM_ERROR_BASE + platform.error().code().httpStatus()),
                        reason(platform.error().getMessage()));
            case End.ClientGone gone -> socket.close();
        }
    }

    /** The text cut to what a close frame can carry, on a character boundary. */
    static String reason(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_CLOSE_REASON) {
            return text;
        }
        int end = MAX_CLOSE_REASON - 3; // room for "..."
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8) + "...";
    }
}
