/**
 * Streaming calls through the data plane, whatever protocol the client speaks. {@link
 * io.leveros.dataplane.stream.InstanceStreams} opens {@code HandleStreamingRPC} on an instance
 * (starting one if needed); {@link io.leveros.dataplane.stream.StreamRelay} relays gRPC clients'
 * streams undecoded; {@link io.leveros.dataplane.stream.StreamBridge} is the decoded instance side
 * that the HTTP and WebSocket streams of {@code ingress} build on; {@link
 * io.leveros.dataplane.stream.OpenStreams} counts open streams and closes silent ones. Flow control
 * runs end to end in every case.
 */
package io.leveros.dataplane.stream;
