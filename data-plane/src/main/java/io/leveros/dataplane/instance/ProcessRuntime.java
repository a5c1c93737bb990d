package io.leveros.dataplane.instance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs instances as plain OS processes on this machine, each held to its {@code ram} by a memory
 * cgroup where the OS offers one ({@link MemoryLimits}).
 *
 * <p>No instance may outlive the platform. Every process is started from one dedicated,
 * long-lived platform thread, through {@code /usr/bin/setpriv --pdeathsig SIGKILL} when it exists:
 * Linux sends the parent-death signal when the thread that forked the child exits, so a pool or
 * virtual thread would kill instances at random. A JVM shutdown hook stops whatever is left, drain
 * included.
 */
public final class ProcessRuntime implements InstanceRuntime {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Duration SHUTDOWN_DRAIN = Duration.ofSeconds(10);

    private final PortAllocator ports;
    private final String listenHost;
    private final Consumer<String> logSink;
    private final boolean useSetpriv;
    private final ExecutorService launcher;
    private final Set<ProcessInstance> live = ConcurrentHashMap.newKeySet();
    private final MemoryLimits memory = MemoryLimits.detect();
    private final Thread shutdownHook;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    public ProcessRuntime(PortAllocator ports, Consumer<String> logSink) {
        this.ports = ports;
        this.listenHost = "127.0.0.1";
        this.logSink = logSink;
        this.useSetpriv = Files.isExecutable(SETPRIV);
        this.launcher = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lever-instance-launcher");
            thread.setDaemon(true);
            return thread;
        });
        // Graceful on the way out too: instances drain as when stopped one by one. (If the JVM dies
        // without running hooks, setpriv's parent-death signal still kills them.)
        this.shutdownHook = new Thread(this::close, "lever-instance-stopper");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public CompletableFuture<InstanceHandle> start(InstanceSpec spec) {
        return CompletableFuture.supplyAsync(() -> launch(spec), launcher);
    }

    private InstanceHandle launch(InstanceSpec spec) {
        int port = ports.allocate();
        List<String> argv = new ArrayList<>(spec.command().size() + 4);
        if (useSetpriv) {
            argv.add(SETPRIV.toString());
            argv.add("--pdeathsig");
            argv.add("SIGKILL");
            argv.add("--");
        }
        argv.addAll(spec.command());
        ProcessBuilder builder =
                new ProcessBuilder(argv).directory(spec.workingDir().toFile());
        builder.environment().putAll(spec.environment());
        builder.environment().put("LEVEROS_PORT", Integer.toString(port));
        builder.environment().put("LEVEROS_LISTEN_HOST", listenHost);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not run " + spec.command() + " in " + spec.workingDir() + ": " + e.getMessage(), e);
        }
        MemoryLimits.Limit ram = memory.limit(spec.instanceId(), process.pid(), spec.ramMb());
        OutputCapture output = new OutputCapture(spec.logPrefix(), logSink);
        output.follow(process.getInputStream(), "stdout");
        output.follow(process.getErrorStream(), "stderr");
        try {
            process.getOutputStream().close(); // instances read nothing from stdin
        } catch (IOException e) {
            // already closed
        }
        ProcessInstance instance = new ProcessInstance(spec.instanceId(), process, port, output, ram);
        live.add(instance);
        instance.exit().whenComplete((code, failure) -> live.remove(instance));
        return instance;
    }

    /** The instances still running, for tests and diagnostics. */
    public Set<? extends InstanceHandle> live() {
        return Set.copyOf(live);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (ProcessInstance instance : live) {
            instance.stop(SHUTDOWN_DRAIN);
        }
        for (ProcessInstance instance : live) {
            try {
                instance.exit().get(SHUTDOWN_DRAIN.toMillis() + 2_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                instance.process().destroyForcibly();
            }
        }
        launcher.shutdown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
