/**
 * Streaming calls through the data plane: {@link io.leveros.dataplane.stream.StreamRelay} relays
 * {@code HandleStreamingRPC} between a client and one instance with flow control both ways.
 */
package io.leveros.dataplane.stream;
