package io.leveros.dataplane.stream;

import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.Call;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.forwarding.BridgedStream;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.forwarding.InstanceStatuses;
import io.leveros.dataplane.instance.Instance;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.JSONArray;
import io.leveros.proto.core.StreamMessage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;

/**
 * A streaming call between a client that speaks HTTP or WebSocket and one instance. This class is
 * the instance's side ({@code HandleStreamingRPC}, decoded message by message) and the stream's
 * lifecycle; a subclass is the client's side.
 *
 * <p>Flow control both ways: while the instance's side is full the client is paused, and while the
 * client's side is full the instance is paused, so the data plane holds a bounded amount per
 * stream. The stream holds its instance's lease while open (it counts as load and keeps the
 * instance alive) and ends exactly once: completed, with the service's error, with a platform error
 * (instance failure, idle timeout), or because the client went away.
 *
 * <p>Everything runs on the event loop that took the client's request. The client protocols
 * ({@code ingress.HttpStream}, {@code ingress.WebSocketStream}) are subclasses.
 */
public abstract class StreamBridge implements OpenStreams.OpenStream {
    /** How a stream ended. */
    public sealed interface End {
        /** The method returned: the stream is complete. */
        record Completed() implements End {}

        /** The method failed: its error message ({@code error} or {@code byte_error}). */
        record ServiceError(StreamMessage error) implements End {}

        /** The platform ended the stream. */
        record PlatformError(CallException error) implements End {}

        /** The client closed or lost its connection: nobody to tell. */
        record ClientGone() implements End {}
    }

    private final InstanceStreams instances;
    private final Context context = Vertx.currentContext();
    private volatile long lastActivity = System.nanoTime();
    private volatile Lease lease;
    private GrpcClientRequest<Buffer, Buffer> toInstance;
    private GrpcClientResponse<Buffer, Buffer> fromInstance;
    private boolean open;
    private boolean ended;

    protected StreamBridge(InstanceStreams instances) {
        this.instances = instances;
    }

    /** Starts the call; keep the client's input paused until {@link #onOpen()}. */
    protected final void start(Call call, JSONArray args) {
        instances.open().add(this);
        open(call, args, 0);
    }

    /** Opens the stream on an instance, after {@code detours} places that refused it. */
    private void open(Call call, JSONArray args, int detours) {
        instances.open(call, detours).onComplete(opened -> {
            if (opened.failed()) {
                end(platformError(opened.cause()));
                return;
            }
            lease = opened.result().lease();
            BridgedStream stream = opened.result().request();
            toInstance = stream.toInstance();
            if (ended) { // the client went away while the instance started
                lease.release();
                toInstance.cancel();
                return;
            }
            stream.sendFirst(StreamMessages.firstMessage(args));
            int detoursSoFar = opened.result().detours();
            toInstance.response().onComplete(answered -> {
                if (answered.succeeded()) {
                    answered(answered.result());
                } else {
                    notAnswered(call, args, detoursSoFar, stream.notAnswered(lease, answered.cause()));
                }
            });
        });
    }

    /**
     * The instance failed the stream before it answered. One it refused unprocessed (it is shutting
     * down) is opened again elsewhere, as a refused call is placed again: only its arguments were sent,
     * for a client sends nothing before they are answered ({@link #onOpen()}).
     */
    private void notAnswered(Call call, JSONArray args, int detours, CallException failure) {
        if (ended) {
            return; // the client went away meanwhile
        }
        if (!instances.mayOpenAgain(lease, detours, failure)) {
            end(new End.PlatformError(failure));
            return;
        }
        lease.release();
        lease = null;
        toInstance = null;
        open(call, args, detours + 1);
    }

    /** The instance answered its (empty) first message: the client may send. */
    protected abstract void onOpen();

    /** Writes a JSON message to the client; true if the client's side is now full. */
    protected abstract boolean deliverJson(JSON message);

    /** Writes a byte message to the client; true if the client's side is now full. */
    protected abstract boolean deliverBytes(Buffer bytes);

    /** Calls {@code resume} once the client's side has room again. */
    protected abstract void onClientDrained(Runnable resume);

    protected abstract void pauseClient();

    protected abstract void resumeClient();

    /** Tells the client how the stream ended; called once. */
    protected abstract void finish(End how);

    /** Sends a message from the client to the instance (after {@link #onOpen()}). */
    protected final void send(Buffer message) {
        if (ended) {
            return;
        }
        lastActivity = System.nanoTime();
        toInstance.write(message);
        if (toInstance.writeQueueFull()) {
            pauseClient();
            toInstance.drainHandler(v -> resumeClient());
        }
    }

    /** The client has no more to send: the instance's inbound side ends; replies may still come. */
    protected final void clientEnded() {
        if (!ended && toInstance != null) {
            toInstance.end();
        }
    }

    /** Ends the stream: releases the instance, stops its side unless it completed, tells the client. */
    protected final void end(End how) {
        if (ended) {
            return;
        }
        ended = true;
        instances.open().remove(this);
        if (lease != null) {
            lease.release();
        }
        if (toInstance != null && !(how instanceof End.Completed)) {
            try {
                toInstance.cancel();
            } catch (IllegalStateException alreadyEnded) {
                // the instance's side was already over
            }
        }
        finish(how);
    }

    protected final boolean ended() {
        return ended;
    }

    /** Whether the instance has opened the stream (a client error after this ends it mid-way). */
    protected final boolean isOpen() {
        return open;
    }

    @Override
    public final long lastActivityNanos() {
        return lastActivity;
    }

    @Override
    public final Instance instance() {
        Lease held = lease;
        return held == null ? null : held.instance();
    }

    @Override
    public final void endWith(CallException error) {
        context.runOnContext(v -> end(new End.PlatformError(error)));
    }

    private void answered(GrpcClientResponse<Buffer, Buffer> response) {
        fromInstance = response;
        fromInstance.handler(this::fromInstance);
        fromInstance.exceptionHandler(failure -> end(instanceFailed(failure)));
        fromInstance.endHandler(v -> {
            GrpcStatus status = fromInstance.status();
            end(
                    status == GrpcStatus.OK
                            ? new End.Completed()
                            : new End.PlatformError(
                                    InstanceStatuses.toCallException(status, fromInstance.statusMessage())));
        });
    }

    private void fromInstance(Buffer message) {
        if (ended) {
            return;
        }
        lastActivity = System.nanoTime();
        if (!open) {
            if (message.length() != 0) {
                end(protocolError("its first stream message was not empty"));
                return;
            }
            open = true;
            onOpen();
            return;
        }
        boolean full;
        Buffer bytes = StreamMessages.byteMessageBytes(message);
        if (bytes != null) {
            full = deliverBytes(bytes);
        } else {
            StreamMessage decoded;
            try {
                decoded = StreamMessages.decode(message);
            } catch (CallException e) {
                end(new End.PlatformError(e));
                return;
            }
            switch (decoded.getMessageOneofCase()) {
                case MESSAGE -> full = deliverJson(decoded.getMessage());
                case BYTE_MESSAGE ->
                    full = deliverBytes(Buffer.buffer(decoded.getByteMessage().toByteArray()));
                case ERROR, BYTE_ERROR -> {
                    end(new End.ServiceError(decoded));
                    return;
                }
                default -> {
                    end(protocolError(
                            "it sent a stream message without a message (" + decoded.getMessageOneofCase() + ")"));
                    return;
                }
            }
        }
        if (full) {
            fromInstance.pause();
            onClientDrained(fromInstance::resume);
        }
    }

    private End.PlatformError protocolError(String what) {
        return new End.PlatformError(new CallException(
                ErrorCode.INSTANCE_FAILED, lease.destination() + " broke the streaming protocol: " + what));
    }

    private End.PlatformError instanceFailed(Throwable failure) {
        return new End.PlatformError(InstanceClient.failed(lease, failure));
    }

    private static End.PlatformError platformError(Throwable failure) {
        return new End.PlatformError(
                failure instanceof CallException e
                        ? e
                        : new CallException(ErrorCode.INSTANCE_FAILED, "the stream failed: " + failure));
    }
}
