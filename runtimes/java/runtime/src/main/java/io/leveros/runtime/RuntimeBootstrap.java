package io.leveros.runtime;

import io.leveros.runtime.binding.JsonMapping;
import io.leveros.runtime.binding.MethodTable;
import io.leveros.runtime.loading.LoadedService;
import io.leveros.runtime.loading.ServiceLoading;
import io.leveros.runtime.server.RuntimeServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Starts an instance in the order the runtime contract asks for: load and check the service, then
 * open the port (readiness), then serve until SIGTERM and drain.
 */
public final class RuntimeBootstrap {
    private RuntimeBootstrap() {}

    /** Runs the runtime and answers the process exit code. */
    public static int run(String[] args, Map<String, String> env) {
        if (args.length == 1 && args[0].equals(WarmStart.ARGUMENT)) {
            return runWarm();
        }
        RuntimeConfig config;
        try {
            config = RuntimeConfig.from(args, env, Path.of("").toAbsolutePath());
        } catch (StartFailure e) {
            System.err.println(e.getMessage());
            return 1;
        }
        return serve(config, prepareInBackground(config), () -> "in " + millisSinceJvmStart() + " ms");
    }

    /**
     * A warm runtime ({@link WarmStart}): trained now, then serving the service the data plane names on
     * standard input, with the environment (and port) it sends.
     */
    private static int runWarm() {
        RuntimeConfig config;
        RuntimeServer.Prepared prepared;
        WarmStart.Order order;
        try {
            WarmStart.train();
            order = WarmStart.awaitOrder(System.in);
            config = RuntimeConfig.from(
                    order.args(), order.environment(), Path.of("").toAbsolutePath());
            prepared = RuntimeServer.prepare(config);
        } catch (StartFailure e) {
            System.err.println(e.getMessage());
            return 1;
        }
        return serve(
                config,
                CompletableFuture.completedFuture(prepared),
                () -> "in " + order.millisSinceReceived() + " ms, warm");
    }

    private static int serve(
            RuntimeConfig config, CompletableFuture<RuntimeServer.Prepared> prepared, Supplier<String> took) {
        RuntimeServer server;
        try {
            LoadedService service = ServiceLoading.load(config.codeDir(), config.className());
            MethodTable table = MethodTable.build(service, new JsonMapping(service.classLoader()));
            server = RuntimeServer.start(prepared.join(), table, service.classLoader());
            System.out.println(
                    "serving " + table.describe() + " on " + config.host() + ":" + server.port() + " " + took.get());
            Runtime.getRuntime().addShutdownHook(new Thread(server::drain, "lever-drain"));
        } catch (StartFailure e) {
            System.err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("cannot open the port: " + e.getMessage());
            return 1;
        } catch (CompletionException e) {
            System.err.println("cannot prepare the gRPC server: " + e.getCause());
            return 1;
        }
        server.awaitTermination();
        return 0;
    }

    /**
     * Loading gRPC and Netty takes most of the start-up; do it while the service class is loaded and
     * checked (on a daemon thread, so that a start failure still exits at once).
     */
    private static CompletableFuture<RuntimeServer.Prepared> prepareInBackground(RuntimeConfig config) {
        CompletableFuture<RuntimeServer.Prepared> prepared = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("lever-prepare").start(() -> {
            try {
                prepared.complete(RuntimeServer.prepare(config));
            } catch (Throwable t) {
                prepared.completeExceptionally(t);
            }
        });
        return prepared;
    }

    private static long millisSinceJvmStart() {
        // JVM uptime, read after the port is open so that java.management loads off the critical path.
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }
}
