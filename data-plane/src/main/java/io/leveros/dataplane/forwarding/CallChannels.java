package io.leveros.dataplane.forwarding;

import io.leveros.dataplane.connections.FlushBatching;
import io.leveros.dataplane.connections.IdleTimeout;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.transport.Transport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The call connections ({@link CallChannel}) of one event loop to each destination, an instance's or a
 * peer node's address, shared by all the calls of that loop: a call takes the first that takes a new
 * stream, and another is opened only when none does (all closing, told GOAWAY, or at the other side's
 * stream limit). Calls wait while a connection opens. A connection without calls for {@link
 * #IDLE_SECONDS} is closed. Every method is called on the loop.
 */
final class CallChannels {
    /** A call whose connection is being opened, or could not be. */
    interface Call extends CallChannel.Exchange {
        /** Sent as {@code stream} on {@code channel}, which can {@link CallChannel#cancel} it. */
        void onSent(CallChannel channel, int stream);

        /** No connection to the destination could be opened: the call was not sent. */
        void onNotConnected(Throwable cause);
    }

    private static final int CONNECT_TIMEOUT_MS = 2_000;
    /** As long as Vert.x's HTTP/2 client keeps an unused connection. */
    static final int IDLE_SECONDS = 60;
    /** Lever URLs whose plain call headers are kept per destination. */
    static final int PLAIN_URLS_KEPT = 64;

    private static final AsciiString POST = AsciiString.cached("POST");
    private static final AsciiString HTTP = AsciiString.cached("http");

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Transport transport;
    private final Map<SocketAddress, List<Connection>> connections = new HashMap<>();
    /** Per destination, the complete headers of its plain calls by Lever URL ({@link #plainCallHeaders}). */
    private final Map<SocketAddress, Map<String, Http2Headers>> plainHeaders = new HashMap<>();

    /** A connection, and the calls waiting while it opens (null once open). */
    private static final class Connection {
        final CallChannel channel;
        final AsciiString authority;
        List<Runnable> waiting = new ArrayList<>();

        Connection(CallChannel channel, AsciiString authority) {
            this.channel = channel;
            this.authority = authority;
        }
    }

    CallChannels(VertxInternal vertx, EventLoop loop) {
        this.loop = loop;
        this.transport = vertx.transport();
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(transport.channelFactory(false))
                .resolver(vertx.nameResolver().nettyAddressResolverGroup())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /**
     * The headers of a plain call to {@code address} at {@code path}, one whose headers follow from its
     * Lever URL alone. {@code own} makes the call's own headers the first time {@code leverUrl} is
     * called there; those, with the pseudo-headers, are kept, and the same object goes with every later
     * such call on this loop (Netty's encoder only reads headers). Making them per call was about 8 %
     * of a relayed call's heap allocation (docs/benchmarks.md, "Peer proxies"). At most {@value
     * #PLAIN_URLS_KEPT} URLs are kept per destination, the least recently called dropped first, and a
     * destination's go with its last connection.
     */
    Http2Headers plainCallHeaders(
            SocketAddress address, AsciiString path, String leverUrl, Function<String, Http2Headers> own) {
        Map<String, Http2Headers> byUrl = plainHeaders.get(address);
        if (byUrl == null) {
            byUrl = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Http2Headers> eldest) {
                    return size() > PLAIN_URLS_KEPT;
                }
            };
            plainHeaders.put(address, byUrl);
        }
        Http2Headers headers = byUrl.get(leverUrl);
        if (headers == null) {
            headers = own.apply(leverUrl)
                    .method(POST)
                    .scheme(HTTP)
                    .authority(authority(address))
                    .path(path);
            byUrl.put(leverUrl, headers);
        }
        return headers;
    }

    /**
     * Sends a call to {@code address}: a POST to {@code path} with {@code headers} (the pseudo-headers
     * are set here, unless they are {@link #plainCallHeaders}) and {@code body}, which is released once
     * written or not sent; or, when {@code body} is null, opens a stream whose DATA the caller writes
     * ({@link CallChannel#write}).
     */
    void send(SocketAddress address, AsciiString path, Http2Headers headers, ByteBuf body, Call call) {
        List<Connection> open = connections.computeIfAbsent(address, a -> new ArrayList<>(1));
        for (Connection connection : open) {
            if (connection.waiting != null) {
                connection.waiting.add(() -> sendOn(connection, path, headers, body, call));
                return;
            }
            if (connection.channel.takesStreams()) {
                sendOn(connection, path, headers, body, call);
                return;
            }
        }
        Connection opening = open(address, open);
        opening.waiting.add(() -> sendOn(opening, path, headers, body, call));
    }

    private static void sendOn(Connection connection, AsciiString path, Http2Headers headers, ByteBuf body, Call call) {
        if (!connection.channel.takesStreams()) { // it never opened, or closed at once
            if (body != null) {
                body.release();
            }
            call.onNotConnected(
                    connection.channel.ready().isSuccess()
                            ? new CallChannel.CallLost("the connection took no new stream")
                            : connection.channel.ready().cause());
            return;
        }
        if (headers.path() == null) {
            headers.method(POST).scheme(HTTP).authority(connection.authority).path(path);
        }
        CallChannel channel = connection.channel;
        call.onSent(channel, body == null ? channel.open(headers, call) : channel.send(headers, body, call));
    }

    private Connection open(SocketAddress address, List<Connection> open) {
        CallChannel channel = CallChannel.create(loop);
        Connection connection = new Connection(channel, authority(address));
        open.add(connection);
        ChannelFuture connect = bootstrap
                .clone()
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel socket) {
                        FlushBatching.addTo(socket.pipeline());
                        socket.pipeline()
                                .addLast(new IdleTimeout(IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast(channel);
                    }
                })
                .connect(transport.convert(address));
        connect.addListener(connected -> {
            if (!connected.isSuccess()) {
                channel.notConnected(connected.cause());
            }
        });
        channel.ready().addListener(ready -> {
            List<Runnable> waiting = connection.waiting;
            connection.waiting = null;
            if (!ready.isSuccess()) {
                forget(address, connection);
            }
            waiting.forEach(Runnable::run);
        });
        connect.channel().closeFuture().addListener(closed -> forget(address, connection));
        return connection;
    }

    private static AsciiString authority(SocketAddress address) {
        return AsciiString.of(address.host() + ":" + address.port());
    }

    private void forget(SocketAddress address, Connection connection) {
        List<Connection> open = connections.get(address);
        if (open != null && open.remove(connection) && open.isEmpty()) {
            connections.remove(address);
            plainHeaders.remove(address);
        }
    }

    void close() {
        plainHeaders.clear();
        connections.values().stream().flatMap(List::stream).toList().forEach(connection -> connection.channel.close());
        connections.clear();
    }
}
