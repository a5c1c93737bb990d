package io.leveros.dataplane.instance;

import io.leveros.dataplane.code.CodeCache;
import io.leveros.dataplane.isolation.InstanceIsolation;
import io.leveros.dataplane.isolation.InstanceSandbox;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs instances as plain OS processes on this machine, each held to its {@code ram} by a memory
 * cgroup where the OS offers one ({@link MemoryLimits}), and kept from the platform's files and
 * from other instances by {@link InstanceIsolation} (its own uid when the data plane is root).
 *
 * <p>No instance may outlive the platform. Every process is started from one dedicated,
 * long-lived platform thread, through {@code /usr/bin/setpriv --pdeathsig SIGKILL} when it exists:
 * Linux sends the parent-death signal when the thread that forked the child exits, so a pool or
 * virtual thread would kill instances at random. A JVM shutdown hook stops whatever is left, drain
 * included. What may block before the fork (a version's first fetch into the {@link CodeCache}, its
 * first code copy) runs off the caller's thread (a Vert.x event loop), on virtual threads, so that one
 * version's fetch or copy delays no other instance's start.
 *
 * <p>An instance started in the {@linkplain InstanceSpec#background() background} runs under {@code nice
 * -n 10} until {@link InstanceHandle#foreground()}, so that a version starting beside the live one (its JVM's
 * start, its JIT, its warm-up calls) takes only the CPU the live one leaves. Only when the data plane is root:
 * no one else may give the instance its priority back.
 */
public final class ProcessRuntime implements InstanceRuntime {
    private static final Duration SHUTDOWN_DRAIN = Duration.ofSeconds(10);
    private static final Path NICE = Path.of("/usr/bin/nice");
    static final Path RENICE = Path.of("/usr/bin/renice");
    /**
     * The nice value of an instance started in the background: its threads weigh about a tenth of the
     * live version's when both want the CPU (the lowest, 19, could starve it past its start timeout on a
     * busy node).
     */
    static final int BACKGROUND_NICE = 10;

    private final PortAllocator ports;
    private final String listenHost;
    private final InstanceOutput outputs;
    private final LaunchCommands commands;
    private final InstanceIsolation isolation;
    private final CodeCache codeCache;
    private final ExecutorService launcher;
    private final ExecutorService preparer = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<ProcessInstance> live = ConcurrentHashMap.newKeySet();
    private final MemoryLimits memory;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final boolean mayStartInBackground =
            InstanceIsolation.effectiveUid() == 0 && Files.isExecutable(NICE) && Files.isExecutable(RENICE);

    public ProcessRuntime(
            PortAllocator ports,
            InstanceOutput outputs,
            LaunchCommands commands,
            InstanceIsolation isolation,
            CodeCache code,
            MemoryLimits memory) {
        this.codeCache = code;
        this.ports = ports;
        this.memory = memory;
        this.listenHost = "127.0.0.1";
        this.outputs = outputs;
        this.commands = commands;
        this.isolation = isolation;
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
        return codeCache
                .acquire(spec.environmentName(), spec.service(), spec.version())
                .thenApplyAsync(codeDir -> isolation.open(spec.versionKey(), codeDir, spec.instanceId()), preparer)
                .thenApplyAsync(
                        sandbox -> {
                            try {
                                return launch(spec, sandbox);
                            } catch (RuntimeException e) {
                                closeLater(sandbox);
                                throw e;
                            }
                        },
                        launcher)
                .whenComplete((instance, failure) -> {
                    if (failure != null) {
                        codeCache.release(spec.version());
                    }
                });
    }

    private InstanceHandle launch(InstanceSpec spec, InstanceSandbox sandbox) {
        List<String> command = commands.argv(spec.version(), sandbox.codeDir(), spec.ramMb(), sandbox.tmpDir());
        int port = ports.allocate();
        boolean background = spec.background() && mayStartInBackground;
        List<String> argv = new ArrayList<>();
        if (background) {
            argv.addAll(List.of(NICE.toString(), "-n", Integer.toString(BACKGROUND_NICE)));
        }
        argv.addAll(sandbox.command(command));
        ProcessBuilder builder =
                new ProcessBuilder(argv).directory(sandbox.codeDir().toFile());
        // the platform's own settings (LEVEROS_TOKEN, LEVEROS_STORE, ...) are not the instance's business
        builder.environment().keySet().removeIf(name -> name.startsWith("LEVEROS_"));
        builder.environment().putAll(spec.environment());
        builder.environment().putAll(commands.environment(spec.version()));
        builder.environment().putAll(sandbox.environment());
        builder.environment().put("LEVEROS_PORT", Integer.toString(port));
        builder.environment().put("LEVEROS_LISTEN_HOST", listenHost);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not run " + command + " in " + sandbox.codeDir() + ": " + e.getMessage(), e);
        }
        MemoryLimits.Limit ram = memory.limit(spec.instanceId(), process.pid(), spec.ramMb());
        OutputCapture output = outputs.open(spec);
        output.follow(process.getInputStream(), "stdout");
        output.follow(process.getErrorStream(), "stderr");
        try {
            process.getOutputStream().close(); // instances read nothing from stdin
        } catch (IOException e) {
            // already closed
        }
        ProcessInstance instance =
                new ProcessInstance(spec.instanceId(), process, port, output, ram, sandbox::killLeftovers, background);
        live.add(instance);
        instance.exit().whenComplete((code, failure) -> {
            live.remove(instance);
            output.instanceExited();
            closeLater(sandbox);
            codeCache.release(spec.version());
        });
        return instance;
    }

    /** Frees what the instance had, off the thread that saw it exit (it may delete many files). */
    private void closeLater(InstanceSandbox sandbox) {
        try {
            preparer.execute(sandbox::close);
        } catch (RejectedExecutionException e) {
            sandbox.close(); // closing: the instance folder goes next anyway
        }
    }

    @Override
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
        preparer.close(); // the instances' folders are removed before the instance folder is
        isolation.close();
        codeCache.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
