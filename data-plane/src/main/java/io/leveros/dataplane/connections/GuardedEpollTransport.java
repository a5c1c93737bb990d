package io.leveros.dataplane.connections;

import io.netty.bootstrap.ServerBootstrap;
import io.vertx.core.impl.transports.EpollTransport;
import io.vertx.core.net.NetServerOptions;

/** {@link GuardedNioTransport} on Vert.x's native epoll transport. */
final class GuardedEpollTransport extends EpollTransport {
    private final ConnectionRules rules;

    GuardedEpollTransport(ConnectionRules rules) {
        this.rules = rules;
    }

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
        super.configure(options, domainSocket, bootstrap);
        bootstrap.handler(new PortConnections(rules));
    }
}
