package io.leveros.dataplane.connections;

import io.netty.bootstrap.ServerBootstrap;
import io.vertx.core.impl.transports.NioTransport;
import io.vertx.core.net.NetServerOptions;

/**
 * Vert.x's NIO transport, with a {@link PortConnections} on each listening socket it binds: Vert.x
 * configures every server's bootstrap here and sets no server channel handler of its own.
 */
final class GuardedNioTransport extends NioTransport {
    private final ConnectionRules rules;

    GuardedNioTransport(ConnectionRules rules) {
        this.rules = rules;
    }

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
        super.configure(options, domainSocket, bootstrap);
        bootstrap.handler(new PortConnections(rules));
    }
}
