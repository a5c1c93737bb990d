package io.leveros.runtime.server;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.leveros.runtime.RuntimeConfig;
import io.leveros.runtime.binding.MethodTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The instance's gRPC server (h2c, grpc-netty-shaded): binding its port is the readiness signal,
 * {@link #drain()} is the SIGTERM behaviour (refuse new calls, let in-flight ones finish within the
 * drain timeout, then cancel the rest).
 *
 * <p>Starting is split in two for the cold start: {@link #prepare} loads and initialises gRPC and
 * Netty (most of the start-up time) and can run on another thread while the service class is
 * loaded and checked; {@link #start} then adds the service and binds the port.
 */
public final class RuntimeServer {
    /** Largest request accepted; byte arguments may be big. */
    static final int MAX_INBOUND_MESSAGE_BYTES = 16 * 1024 * 1024;

    /**
     * The headers of one call at most: gRPC's default (8 KiB) is too small for the {@code lever-url}
     * of a long resource, whose non-ASCII characters travel escaped (3 bytes each as {@code %XX}).
     */
    static final int MAX_INBOUND_METADATA_BYTES = 64 * 1024;

    /** Netty's native epoll costs start-up time (a library extracted to /tmp) for nothing here. */
    private static final String NO_NATIVE_PROPERTY = "io.grpc.netty.shaded.io.netty.transport.noNative";

    private final Server server;
    private final ExecutorService executor;
    private final Duration drainTimeout;

    private RuntimeServer(Server server, ExecutorService executor, Duration drainTimeout) {
        this.server = server;
        this.executor = executor;
        this.drainTimeout = drainTimeout;
    }

    /** A server builder with everything but the service; the port is not bound yet. */
    public static final class Prepared {
        private final RuntimeConfig config;
        private final NettyServerBuilder builder;
        private final ExecutorService executor;
        private final CallThreads threads;

        private Prepared(
                RuntimeConfig config, NettyServerBuilder builder, ExecutorService executor, CallThreads threads) {
            this.config = config;
            this.builder = builder;
            this.executor = executor;
            this.threads = threads;
        }
    }

    /** Loads and configures gRPC and Netty without binding anything; safe on any thread. */
    public static Prepared prepare(RuntimeConfig config) {
        if (System.getProperty(NO_NATIVE_PROPERTY) == null) {
            System.setProperty(NO_NATIVE_PROPERTY, "true");
        }
        CallThreads threads = new CallThreads();
        ExecutorService executor = Executors.newThreadPerTaskExecutor(threads);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
                .executor(executor)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES);
        LeverRpcService.warmUp();
        return new Prepared(config, builder, executor, threads);
    }

    /**
     * Adds {@code table} and opens the port. Call handlers run on virtual threads whose context
     * class loader is the service's.
     *
     * @throws IOException when the port cannot be bound
     */
    public static RuntimeServer start(Prepared prepared, MethodTable table, ClassLoader serviceLoader)
            throws IOException {
        RuntimeConfig config = prepared.config;
        prepared.threads.serviceLoader = serviceLoader;
        Server server = prepared.builder
                .addService(MalformedRequests.answered(ServerInterceptors.intercept(
                        new LeverRpcService(table, prepared.executor),
                        new LeverUrlInterceptor(),
                        new TraceContextInterceptor())))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            prepared.executor.shutdownNow();
            throw new IOException(
                    config.host() + ":" + config.port() + ": " + e.getMessage() + " (is another process using it?)", e);
        }
        return new RuntimeServer(server, prepared.executor, config.drainTimeout());
    }

    /** Prepares and starts on the calling thread. */
    public static RuntimeServer start(RuntimeConfig config, MethodTable table, ClassLoader serviceLoader)
            throws IOException {
        return start(prepare(config), table, serviceLoader);
    }

    /** The bound port (the one picked when asked for port 0). */
    public int port() {
        return server.getPort();
    }

    /** Blocks until the server has stopped. */
    public void awaitTermination() {
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops at once, cancelling any call in flight. */
    public void stop() {
        server.shutdownNow();
        executor.shutdownNow();
    }

    /**
     * Stops taking new calls, waits up to the drain timeout for the in-flight ones, then cancels
     * what is left. Called by the shutdown hook on SIGTERM.
     */
    public void drain() {
        System.out.println(
                "draining: no new calls, waiting up to " + drainTimeout.toSeconds() + " s for the calls in flight");
        long start = System.nanoTime();
        server.shutdown();
        try {
            if (!server.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                System.out.println("drain timeout reached: cancelling the calls still in flight");
                server.shutdownNow();
                server.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        executor.shutdownNow();
        System.out.println("stopped after draining for " + (System.nanoTime() - start) / 1_000_000 + " ms");
        System.out.flush();
    }

    /** Virtual threads for calls, with the service's class loader as context class loader. */
    private static final class CallThreads implements ThreadFactory {
        private final ThreadFactory virtual =
                Thread.ofVirtual().name("lever-call-", 0).factory();
        private volatile ClassLoader serviceLoader;

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = virtual.newThread(task);
            if (serviceLoader != null) {
                thread.setContextClassLoader(serviceLoader);
            }
            return thread;
        }
    }
}
