package io.leveros.dataplane.forwarding;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.CallException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;

/**
 * The instance's side of a relayed gRPC stream ({@code HandleStreamingRPC}): an HTTP/2 stream on one
 * of the event loop's stream connections ({@link CallChannel}), whose DATA the relay writes as it
 * comes from the client and whose answer frames reach its {@link Frames} as they come, undecoded and
 * uncopied. Lives on one event loop; every method is called there.
 */
public final class InstanceStream {
    /** What the instance answers on the stream. */
    public interface Frames {
        /** The answer's headers, then its trailers; {@code end} when the stream ends with them. */
        void onHeaders(Http2Headers headers, boolean end);

        /**
         * A DATA frame of the answer, only valid during the call: answers how many of its bytes were
         * read now; the others are told read later with {@link InstanceStream#consumed}, and the
         * instance sends no more than its window beyond them.
         */
        int onData(ByteBuf data, boolean end);

        /** The stream ended without its trailers: reset, or its connection lost; the failure says so. */
        void onFailure(CallException failure);
    }

    private final Lease lease;
    private final Frames frames;
    private final Promise<InstanceStream> opened;
    private CallChannel channel;
    private int stream;

    InstanceStream(Lease lease, Frames frames, ContextInternal context) {
        this.lease = lease;
        this.frames = frames;
        this.opened = context.promise();
    }

    /** Succeeds once the stream's headers are out; fails when no connection could be opened. */
    Future<InstanceStream> opened() {
        return opened.future();
    }

    /** The way the instance's frames come back, and the stream is opened on a connection. */
    CallChannels.Call exchange() {
        return new CallChannels.Call() {
            @Override
            public void onSent(CallChannel on, int id) {
                channel = on;
                stream = id;
                opened.complete(InstanceStream.this);
            }

            @Override
            public void onNotConnected(Throwable cause) {
                opened.fail(InstanceClient.notConnected(lease, cause));
            }

            @Override
            public void onHeaders(Http2Headers headers, boolean end) {
                frames.onHeaders(headers, end);
            }

            @Override
            public int onData(ByteBuf data, boolean end) {
                return frames.onData(data, end);
            }

            @Override
            public void onFailure(Throwable cause) {
                frames.onFailure(InstanceClient.failed(lease, cause));
            }
        };
    }

    /**
     * Writes a DATA frame of the client's (released once written; {@code end} ends the client's side):
     * the future completes once it went out, within the instance's window.
     */
    public io.netty.util.concurrent.Future<Void> write(ByteBuf data, boolean end) {
        return channel.write(stream, data, end);
    }

    /** The relay is done with {@code bytes} of the answer that {@link Frames#onData} did not read at once. */
    public void consumed(int bytes) {
        channel.consumed(stream, bytes);
    }

    /** Cancels the stream (RST_STREAM CANCEL); its frames are no longer heard. A no-op once it ended. */
    public void reset() {
        channel.cancel(stream);
    }
}
