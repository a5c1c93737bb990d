package io.leveros.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.leveros.core.json.JsonValues;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.StreamMessage;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client side of a streaming call ({@link Endpoint#invokeChan}, {@link LeverClient#invokeChanUrl}).
 *
 * <pre>{@code
 * ClientStream stream = client.service("dev.lever", "testService").invokeChan("ReqReplyStreamChan", "some test");
 * stream.send("a");
 * String reply = stream.receive(String.class);   // "some test:a received"
 * stream.close();                                // done sending (half-close)
 * for (ClientStream.Message m : stream) { ... }  // the rest, until the server ends the call
 * }</pre>
 *
 * <ul>
 *   <li>{@link #send} sends a message ({@code byte[]} as a byte message, anything else as JSON) and
 *       blocks while the transport is not ready, so a slow service slows the sender down;
 *   <li>{@link #receive} waits for the next message; at the end of the call (the service returned)
 *       it throws {@link EndOfStream}; an error message from the service is thrown as a {@link
 *       RemoteException} (the stream stays usable); a failed call as a {@link LeverException};
 *   <li>at most {@link #INBOUND_WINDOW} messages are read ahead of {@code receive}: beyond that the
 *       service's sends block;
 *   <li>{@link #close} half-closes (the service's {@code receive} ends), {@link #cancel} aborts.
 * </ul>
 *
 * <p>Streams have no deadline (the client's timeout only bounds the opening). One thread may send
 * while another receives.
 */
public final class ClientStream implements Iterable<ClientStream.Message>, AutoCloseable {
    /** Server messages read ahead of {@link #receive} at most. */
    public static final int INBOUND_WINDOW = 32;

    /**
     * How much may wait to be sent before {@link #send} blocks (gRPC's on-ready threshold; its 32 KiB
     * default would make every large message wait for a round trip).
     */
    public static final int SEND_BUFFER_BYTES = 1024 * 1024;

    private static final Object END = new Object();
    private static final long READY_RECHECK_MS = 200;

    private final String url;
    private final WireCodec codec;
    private final LeverClient client;
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    /** At most INBOUND_WINDOW messages (the credit given to gRPC) plus one end marker. */
    private final BlockingQueue<Object> inbound = new LinkedBlockingQueue<>();

    private final ReentrantLock sendLock = new ReentrantLock();
    private final Condition ready = sendLock.newCondition();
    private ClientCallStreamObserver<StreamMessage> call;
    private volatile boolean done;
    private volatile boolean halfClosed;
    private Object terminal; // receiving thread only: END or a LeverException

    ClientStream(LeverClient client, String url) {
        this.client = client;
        this.url = url;
        this.codec = client.codec();
    }

    /** The gRPC response observer: sets up flow control and feeds the queue. */
    ClientResponseObserver<StreamMessage, StreamMessage> observer() {
        return new ClientResponseObserver<>() {
            private boolean first = true;

            @Override
            public void beforeStart(ClientCallStreamObserver<StreamMessage> requests) {
                call = requests;
                requests.disableAutoRequestWithInitial(1); // the empty first message
                requests.setOnReadyHandler(ClientStream.this::signalSenders);
            }

            @Override
            public void onNext(StreamMessage message) {
                if (first) {
                    first = false;
                    if (message.getMessageOneofCase() != StreamMessage.MessageOneofCase.MESSAGEONEOF_NOT_SET) {
                        Status status = Status.INTERNAL.withDescription(
                                "protocol error: the service's first stream message must be empty, got "
                                        + message.getMessageOneofCase());
                        opened.completeExceptionally(status.asRuntimeException());
                        cancel();
                        return;
                    }
                    call.request(INBOUND_WINDOW);
                    opened.complete(null);
                    return;
                }
                inbound.add(message);
            }

            @Override
            public void onError(Throwable t) {
                done = true;
                opened.completeExceptionally(t);
                inbound.add(client.platformError(url, Status.fromThrowable(t), t));
                signalSenders();
            }

            @Override
            public void onCompleted() {
                done = true;
                if (!opened.isDone()) {
                    opened.completeExceptionally(Status.INTERNAL
                            .withDescription("protocol error: the service ended the stream before its first message")
                            .asRuntimeException());
                }
                inbound.add(END);
                signalSenders();
            }
        };
    }

    /** Sends the call's arguments and waits for the service to accept the call. */
    void open(StreamMessage rpc, long timeoutMillis) {
        sendLock.lock();
        try {
            call.onNext(rpc);
        } finally {
            sendLock.unlock();
        }
        try {
            opened.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw client.platformError(url, Status.fromThrowable(e.getCause()), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            cancel();
            throw client.platformError(
                    url, Status.DEADLINE_EXCEEDED.withDescription("the stream was not accepted in time"), e);
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw new LeverException(Status.Code.CANCELLED, url, url + ": interrupted while opening the stream", e);
        }
    }

    /**
     * Sends a message: {@code byte[]} as a byte message, anything else as JSON. Blocks while the
     * transport is not ready to take more.
     *
     * @throws IllegalStateException after {@link #close}, or when the call is over
     */
    public void send(Object value) {
        sendRaw(codec.encodeMessage(value));
    }

    /**
     * Sends an error message (the stream stays open): {@code byte[]} as a byte error, a {@link
     * Throwable} as its message, anything else as JSON.
     */
    public void error(Object value) {
        sendRaw(codec.encodeError(value));
    }

    private void sendRaw(StreamMessage message) {
        sendLock.lock();
        try {
            while (!done && !halfClosed && !call.isReady()) {
                try {
                    ready.await(READY_RECHECK_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(url + ": interrupted while waiting to send", e);
                }
            }
            if (halfClosed) {
                throw new IllegalStateException(url + ": the stream is closed for sending (close() was called)");
            }
            if (done) {
                throw new IllegalStateException(url + ": the call is over; nothing more can be sent");
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

    /**
     * The next message, waiting for it.
     *
     * @throws EndOfStream when the service has ended the call (no more messages)
     * @throws RemoteException when the service sent an error message
     * @throws LeverException when the call failed (cancelled, connection lost...)
     */
    public Message receive() {
        while (true) {
            if (terminal == END) {
                throw new EndOfStream(url);
            }
            if (terminal instanceof LeverException e) {
                throw new LeverException(e.code(), url, e.getMessage(), e);
            }
            Object item;
            try {
                item = inbound.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LeverException(Status.Code.CANCELLED, url, url + ": interrupted while receiving", e);
            }
            if (!(item instanceof StreamMessage message)) {
                terminal = item;
                continue;
            }
            if (!done) {
                call.request(1); // a queue slot is free again
            }
            switch (message.getMessageOneofCase()) {
                case MESSAGE -> {
                    return new Message(message.getMessage(), null);
                }
                case BYTE_MESSAGE -> {
                    return new Message(null, message.getByteMessage().toByteArray());
                }
                case ERROR -> throw RemoteException.ofJson(url, JsonValues.toNode(message.getError()));
                case BYTE_ERROR ->
                    throw RemoteException.ofBytes(url, message.getByteError().toByteArray());
                case RPC, MESSAGEONEOF_NOT_SET -> {
                    // nothing to deliver
                }
            }
        }
    }

    /** The next message as {@code type} ({@code byte[].class} for a byte message). */
    public <T> T receive(Class<T> type) {
        return receive().as(type);
    }

    /** The next message as a generic type. */
    public <T> T receive(TypeReference<T> type) {
        return receive().as(type);
    }

    /** The messages until the service ends the call; errors are thrown as by {@link #receive}. */
    @Override
    public Iterator<Message> iterator() {
        return new Iterator<>() {
            private Message next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (next == null && !ended) {
                    try {
                        next = receive();
                    } catch (EndOfStream e) {
                        ended = true;
                    }
                }
                return next != null;
            }

            @Override
            public Message next() {
                if (!hasNext()) {
                    throw new NoSuchElementException(url + ": the stream has ended");
                }
                Message message = next;
                next = null;
                return message;
            }
        };
    }

    /**
     * Half-closes: this side is done sending (the service's {@code receive} ends); the service may
     * still send, keep receiving until {@link EndOfStream}. Closing twice does nothing.
     */
    @Override
    public void close() {
        sendLock.lock();
        try {
            if (halfClosed || done) {
                halfClosed = true;
                return;
            }
            halfClosed = true;
            call.onCompleted();
        } finally {
            sendLock.unlock();
        }
    }

    /** Aborts the call (the service sees a cancelled stream); {@code receive} then fails. */
    public void cancel() {
        sendLock.lock();
        try {
            if (!done) {
                call.cancel("cancelled by the client", null);
            }
        } finally {
            sendLock.unlock();
        }
    }

    /** The Lever URL of the call. */
    public String url() {
        return url;
    }

    /** One message from the service: JSON or bytes. */
    public final class Message {
        private final JSON json;
        private final byte[] bytes;

        private Message(JSON json, byte[] bytes) {
            this.json = json;
            this.bytes = bytes;
        }

        /** Whether this is a byte message. */
        public boolean isBytes() {
            return bytes != null;
        }

        /**
         * The bytes of a byte message.
         *
         * @throws IllegalStateException when it is a JSON message
         */
        public byte[] bytes() {
            if (bytes == null) {
                throw new IllegalStateException("a JSON message (" + json() + "), not a byte message");
            }
            return bytes.clone();
        }

        /** The JSON text of a JSON message ({@code null} for a byte message). */
        public String json() {
            return json == null ? null : new String(JsonValues.toBytes(json), StandardCharsets.UTF_8);
        }

        /** The message as {@code type}, decoded like a call's result. */
        public <T> T as(Class<T> type) {
            return decodeAs(codec.type(type));
        }

        /** The message as a generic type. */
        public <T> T as(TypeReference<T> type) {
            return decodeAs(codec.type(type.getType()));
        }

        /** The message as a reflected type. */
        public <T> T as(Type type) {
            return decodeAs(codec.type(type));
        }

        @SuppressWarnings("unchecked")
        private <T> T decodeAs(JavaType type) {
            Class<?> raw = type.getRawClass();
            if (bytes != null) {
                if (raw == byte[].class || raw == Object.class) {
                    return (T) bytes.clone();
                }
                throw new IllegalArgumentException("a byte message from " + url + " (" + bytes.length
                        + " bytes) does not fit the requested type " + type.toCanonical()
                        + " (expected: byte[].class)");
            }
            return codec.readJson(json, type, "a message from " + url);
        }

        @Override
        public String toString() {
            return bytes != null ? "byte message (" + bytes.length + " bytes)" : json();
        }
    }

    /** Thrown by {@link #receive} once the service has ended the call: there are no more messages. */
    public static final class EndOfStream extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EndOfStream(String url) {
            super(url + ": the stream has ended", null, false, false);
        }
    }
}
