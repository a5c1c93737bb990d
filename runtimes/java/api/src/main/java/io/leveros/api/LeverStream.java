package io.leveros.api;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The stream of a streaming call, as a streaming method sees it. A method is streaming when its
 * name ends in {@code Chan} or {@code _chan} (or is {@code chan}); its first parameter is the
 * stream, the JSON arguments of the call follow:
 *
 * <pre>{@code
 * public void ReqReplyStreamChan(LeverStream stream, String prefix) {
 *     for (LeverStream.Message m : stream) {         // until the client closes its side
 *         stream.send(prefix + ":" + m.as(String.class) + " received");
 *     }
 * }                                                  // returning completes the call
 * }</pre>
 *
 * <p>The call completes when the method returns (after what it sent has been flushed). An
 * exception thrown by the method is sent as an error message (its message as a JSON string; a
 * {@link LeverError}'s value as JSON or bytes), then the call completes.
 *
 * <p>Flow control: {@link #send} blocks while the client is not reading (so a slow client slows
 * the method down), and the runtime reads at most a few dozen messages ahead of {@link #receive}
 * (so a slow method slows the client down). Nothing is buffered without bound.
 *
 * <p>One thread may send while another receives; sends from several threads are serialised.
 */
public interface LeverStream extends Iterable<LeverStream.Message>, AutoCloseable {

    /**
     * Sends a message: a {@code byte[]} as a byte message, anything else as JSON (like a method
     * result). Blocks while the client is not ready to take more.
     *
     * @throws IllegalStateException when this side was closed, or the client cancelled the call
     */
    void send(Object value);

    /**
     * Sends an error message (the stream stays open): a {@code byte[]} as a byte error, a {@link
     * Throwable} as its message (a {@link LeverError} as its value), anything else as JSON.
     *
     * @throws IllegalStateException when this side was closed, or the client cancelled the call
     */
    void error(Object value);

    /**
     * The next message from the client, waiting for it.
     *
     * @throws EndOfStream when the client closed its side (no more messages)
     * @throws LeverError when the client sent an error message (its value: JSON as a Java value,
     *     or {@code byte[]})
     * @throws IllegalStateException when the client cancelled the call
     */
    Message receive();

    /**
     * The next message as {@code type} ({@code byte[].class} for a byte message); like {@code
     * receive().as(type)}.
     */
    default <T> T receive(Class<T> type) {
        return receive().as(type);
    }

    /** The messages until the client closes its side; errors are thrown as by {@link #receive}. */
    @Override
    default Iterator<Message> iterator() {
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
                    throw new NoSuchElementException("the stream has ended");
                }
                Message message = next;
                next = null;
                return message;
            }
        };
    }

    /**
     * Closes this side: nothing more can be sent. The call itself completes when the method
     * returns. Closing twice does nothing.
     */
    @Override
    void close();

    /** One message received on a stream: JSON or bytes. */
    interface Message {
        /** Whether this is a byte message. */
        boolean isBytes();

        /**
         * The bytes of a byte message.
         *
         * @throws IllegalStateException when it is a JSON message
         */
        byte[] bytes();

        /** The JSON text of a JSON message ({@code null} for a byte message). */
        String json();

        /**
         * The message as {@code type}, bound like a method parameter ({@code Object.class} gives
         * {@code String}, {@code Integer}, {@code Map}...; {@code byte[].class} takes a byte
         * message).
         *
         * @throws IllegalArgumentException when the message does not fit {@code type}
         */
        <T> T as(Class<T> type);
    }

    /** Thrown by {@link #receive} once the client has closed its side: there are no more messages. */
    final class EndOfStream extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public EndOfStream() {
            super("the stream has ended: the other side closed it", null, false, false);
        }
    }
}
