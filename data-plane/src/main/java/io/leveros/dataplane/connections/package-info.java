/**
 * The connections to the data plane's ports, below HTTP: {@link
 * io.leveros.dataplane.connections.ConnectionRules} puts a {@link
 * io.leveros.dataplane.connections.PortConnections} on every listening socket (through {@link
 * io.leveros.dataplane.connections.GuardedEpollTransport}, or {@link
 * io.leveros.dataplane.connections.GuardedNioTransport} where native epoll does not load: the one
 * hook Vert.x offers there), which
 * counts each port's connections and refuses those over {@code --max-connections} ({@link
 * io.leveros.dataplane.connections.RefusedConnection}: 503, or an HTTP/2 GOAWAY). Every other
 * connection starts with a {@link io.leveros.dataplane.connections.ConnectionGuard}: a request's
 * headers must arrive within {@code --header-timeout} (else 408), and on HTTP/1.x {@link
 * io.leveros.dataplane.connections.HttpExchanges} follows requests and responses so that the timer
 * runs only while a request is being read, and a response saying {@code connection: close} closes
 * the connection. HTTP/2 connections are left to Vert.x once their preface arrived. {@link
 * io.leveros.dataplane.connections.IdleCloses} counts the connections Vert.x closes for being idle,
 * which {@link io.leveros.dataplane.connections.IdleTimeout} finds idle in place of Netty's handler.
 *
 * <p>Vert.x sees a connection only once the first request's headers are complete (it reads them to
 * look for an h2c upgrade), so these rules must sit in the Netty pipeline, ahead of it.
 */
package io.leveros.dataplane.connections;
