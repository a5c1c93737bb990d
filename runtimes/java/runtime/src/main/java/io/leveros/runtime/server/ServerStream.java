package io.leveros.runtime.server;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.leveros.api.LeverError;
import io.leveros.api.LeverStream;
import io.leveros.api.TraceContext;
import io.leveros.client.ClientStream;
import io.leveros.proto.core.StreamMessage;
import io.leveros.runtime.binding.CallRejectedException;
import io.leveros.runtime.binding.ServiceMethod;
import io.leveros.runtime.binding.StreamCodec;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One streaming call ({@code HandleStreamingRPC}) to a streaming method: the gRPC side (the inbound
 * observer) and the {@link LeverStream} the method gets.
 *
 * <p>Flow control both ways, nothing buffered without bound:
 *
 * <ul>
 *   <li>inbound: automatic requests are disabled; after the {@code rpc} message the runtime asks
 *       gRPC for {@link #INBOUND_WINDOW} messages and for one more each time the method takes one
 *       with {@link #receive}, so at most that many wait in the queue; beyond that the HTTP/2 flow
 *       control window fills and the client's sends block;
 *   <li>outbound: {@link #send} blocks the method's (virtual) thread while the transport is not
 *       ready ({@code isReady()}), and is woken by the on-ready handler.
 * </ul>
 *
 * <p>The method runs on its own virtual thread (the server's executor). Its first act is to send
 * the empty message the protocol requires; when it returns the call completes with status OK (a
 * thrown exception is sent as an error message first).
 */
final class ServerStream implements LeverStream {
    /** Client messages read ahead of the method at most. */
    static final int INBOUND_WINDOW = 32;

    private static final Object END = new Object();
    private static final Object CANCELLED = new Object();
    private static final long READY_RECHECK_MS = 200;

    private final ServerCallStreamObserver<StreamMessage> call;
    private final ServiceMethod method;
    private final String resource;
    private final TraceContext trace;
    private final StreamCodec codec;
    private final Executor executor;
    /** Holds at most INBOUND_WINDOW messages (the credit given to gRPC) plus one end marker. */
    private final BlockingQueue<Object> inbound = new LinkedBlockingQueue<>();

    private final ReentrantLock sendLock = new ReentrantLock();
    private final Condition ready = sendLock.newCondition();
    private volatile boolean cancelled;
    private volatile boolean sendClosed;
    private boolean started; // gRPC callback thread only
    private boolean receiveEnded; // method thread only
    private boolean receiveCancelled; // method thread only

    private ServerStream(
            ServerCallStreamObserver<StreamMessage> call,
            ServiceMethod method,
            String resource,
            TraceContext trace,
            Executor executor) {
        this.call = call;
        this.method = method;
        this.resource = resource;
        this.trace = trace;
        this.codec = method.streamCodec();
        this.executor = executor;
    }

    /**
     * Sets up flow control on {@code replies} and answers the observer of the client's messages.
     * Must run inside {@code handleStreamingRPC}.
     *
     * @param resource the call's resource ({@code ""} for none), {@code Lever.resource()} on the
     *     method's thread
     * @param trace the call's trace context ({@code null}: none), {@code TraceContext.current()} on
     *     the method's thread
     */
    static StreamObserver<StreamMessage> accept(
            StreamObserver<StreamMessage> replies,
            ServiceMethod method,
            String resource,
            TraceContext trace,
            Executor executor) {
        @SuppressWarnings("unchecked")
        ServerCallStreamObserver<StreamMessage> call = (ServerCallStreamObserver<StreamMessage>) replies;
        ServerStream stream = new ServerStream(call, method, resource, trace, executor);
        call.disableAutoRequest();
        call.setOnReadyThreshold(ClientStream.SEND_BUFFER_BYTES);
        call.setOnReadyHandler(stream::signalSenders);
        call.setOnCancelHandler(stream::cancelled);
        call.request(1); // the rpc message
        return stream.new Inbound();
    }

    /** The client's messages, on gRPC's callback thread (one at a time). */
    private final class Inbound implements StreamObserver<StreamMessage> {
        @Override
        public void onNext(StreamMessage message) {
            if (started) {
                inbound.add(message);
                return;
            }
            started = true;
            if (message.getMessageOneofCase() != StreamMessage.MessageOneofCase.RPC) {
                call.onError(Status.INVALID_ARGUMENT
                        .withDescription("the first message of a streaming call must carry rpc (the arguments), got "
                                + message.getMessageOneofCase())
                        .asRuntimeException());
                return;
            }
            Object[] args;
            try {
                args = method.bindStreaming(message.getRpc());
            } catch (CallRejectedException e) {
                call.onError(LeverRpcService.status(e).asRuntimeException());
                return;
            }
            executor.execute(() -> run(args));
            call.request(INBOUND_WINDOW);
        }

        @Override
        public void onError(Throwable t) {
            cancelled(); // the client cancelled or the connection failed
        }

        @Override
        public void onCompleted() {
            if (!started) {
                started = true;
                call.onError(Status.INVALID_ARGUMENT
                        .withDescription("the streaming call ended before its first message (rpc, the arguments)")
                        .asRuntimeException());
                return;
            }
            inbound.add(END);
        }
    }

    /** The method's thread: the empty first message, the method, its error if any, completion. */
    private void run(Object[] args) {
        try {
            sendRaw(StreamMessage.getDefaultInstance()); // "First server message needs to be empty"
        } catch (IllegalStateException e) {
            return; // cancelled before the method started
        }
        Throwable failure = method.callStreaming(this, args, resource, trace);
        if (cancelled) {
            return;
        }
        if (failure != null) {
            if (sendClosed) {
                System.err.println(
                        "streaming method '" + method.name() + "' failed after closing its stream: " + failure);
            } else {
                try {
                    sendRaw(codec.error(failure));
                } catch (IllegalStateException e) {
                    return;
                }
            }
        }
        sendLock.lock();
        try {
            if (!cancelled) {
                call.onCompleted();
            }
        } catch (RuntimeException e) {
            // cancelled meanwhile: nothing to complete
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    public void send(Object value) {
        checkOpen();
        sendRaw(codec.message(value));
    }

    @Override
    public void error(Object value) {
        checkOpen();
        sendRaw(codec.error(value));
    }

    private void checkOpen() {
        if (sendClosed) {
            throw new IllegalStateException(
                    "the stream of '" + method.name() + "' is closed: nothing more can be sent");
        }
    }

    /** Sends one message, waiting (without bound) while the transport is not ready. */
    private void sendRaw(StreamMessage message) {
        sendLock.lock();
        try {
            while (!cancelled && !call.isReady()) {
                try {
                    ready.await(READY_RECHECK_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting to send on the stream", e);
                }
            }
            if (cancelled) {
                throw new IllegalStateException("the client cancelled the stream of '" + method.name() + "'");
            }
            call.onNext(message);
        } finally {
            sendLock.unlock();
        }
    }

    private void signalSenders() {
        sendLock.lock();
        try {
            ready.signalAll();
        } finally {
            sendLock.unlock();
        }
    }

    private void cancelled() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        inbound.add(CANCELLED);
        signalSenders();
    }

    @Override
    public Message receive() {
        while (true) {
            if (receiveEnded) {
                throw new EndOfStream();
            }
            if (receiveCancelled) {
                throw new IllegalStateException("the client cancelled the stream of '" + method.name() + "'");
            }
            Object item;
            try {
                item = inbound.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a message on the stream", e);
            }
            if (item == END) {
                receiveEnded = true;
                continue;
            }
            if (item == CANCELLED) {
                receiveCancelled = true;
                continue;
            }
            StreamMessage message = (StreamMessage) item;
            if (!cancelled) {
                call.request(1); // a queue slot is free again
            }
            switch (message.getMessageOneofCase()) {
                case MESSAGE, BYTE_MESSAGE -> {
                    return codec.received(message);
                }
                case ERROR, BYTE_ERROR -> throw codec.remoteError(message);
                case RPC -> throw new LeverError("protocol error: only the first client message may carry rpc");
                case MESSAGEONEOF_NOT_SET -> {
                    // an empty message: nothing to deliver
                }
            }
        }
    }

    @Override
    public void close() {
        sendClosed = true;
    }
}
