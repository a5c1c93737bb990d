package io.leveros.dataplane.forwarding;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.CallException;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.util.IllegalReferenceCountException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.GoAway;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClosedException;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcErrorException;

/**
 * A streaming call opened on an instance for a client bridged from HTTP or WebSocket ({@link
 * InstanceClient#openStream}): Vert.x's gRPC request, which decodes the messages, over an HTTP/2
 * stream whose id tells a stream its instance never took from one it did.
 */
public final class BridgedStream {
    private final GrpcClientRequest<Buffer, Buffer> toInstance;
    private final HttpClientRequest http2Stream;
    /** The HTTP/2 stream's id once the first message went out; Vert.x forgets it once it is closed. */
    private int streamId = -1;

    BridgedStream(GrpcClientRequest<Buffer, Buffer> toInstance, HttpClientRequest http2Stream) {
        this.toInstance = toInstance;
        this.http2Stream = http2Stream;
    }

    /** The gRPC request: the client's messages go to it, the instance's come from its response. */
    public GrpcClientRequest<Buffer, Buffer> toInstance() {
        return toInstance;
    }

    /**
     * Sends the stream's first message, which opens its HTTP/2 stream (the connection belongs to the
     * caller's event loop, so it is open when this returns).
     */
    public void sendFirst(Buffer message) {
        toInstance.write(message);
        streamId = http2Stream.streamId();
    }

    /**
     * Why the stream failed ({@code cause}) before {@code lease}'s destination answered it. One it
     * closed before any processing (RFC 9113, 8.7) was not delivered, as a refused call: reset with
     * {@code REFUSED_STREAM}, or past the last stream of the GOAWAY it sent as it shuts down. Anything
     * else failed it.
     */
    public CallException notAnswered(Lease lease, Throwable cause) {
        if (cause instanceof GrpcErrorException reset
                && reset.error() != null
                && reset.error().http2ResetCode == Http2Error.REFUSED_STREAM.code()) {
            return InstanceClient.notDelivered(
                    lease, "refused the stream unprocessed (REFUSED_STREAM): it is shutting down");
        }
        if (cause instanceof HttpClosedException closed && streamId > 0 && streamId > lastStreamTaken(closed)) {
            return InstanceClient.notDelivered(
                    lease, "refused the stream unprocessed (it came after its GOAWAY): it is shutting down");
        }
        return InstanceClient.failed(lease, cause);
    }

    /**
     * The last stream the GOAWAY that came before {@code closed} says its sender took; every stream
     * when there was none, or when it cannot be read. Vert.x's {@link GoAway} copies the frame's debug
     * data, which is released once the frame was handled: only a stream closed while the GOAWAY was
     * being handled can read it. Those are the streams past it, which Netty closes then; a stream closed
     * later (its connection closed) was taken.
     */
    private static int lastStreamTaken(HttpClosedException closed) {
        try {
            GoAway goAway = closed.goAway();
            return goAway == null ? Integer.MAX_VALUE : goAway.getLastStreamId();
        } catch (IllegalReferenceCountException released) {
            return Integer.MAX_VALUE;
        }
    }
}
