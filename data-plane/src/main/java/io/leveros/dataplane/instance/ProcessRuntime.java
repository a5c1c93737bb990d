package io.leveros.dataplane.instance;

import io.leveros.dataplane.code.CodeCache;
import io.leveros.dataplane.isolation.InstanceIsolation;
import io.leveros.dataplane.isolation.InstanceSandbox;
import io.leveros.proto.control.ServiceVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>A start of a Java or Node instance with the default {@code ram} takes one of the {@link
 * WarmRuntimes} when one is trained and idle: its JVM (or Node) already runs, as such an instance's
 * would, and is told which service to serve with which environment; the instance is ready tens of
 * milliseconds later.
 */
public final class ProcessRuntime implements InstanceRuntime {
    private static final System.Logger LOG = System.getLogger(ProcessRuntime.class.getName());
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
    private final WarmRuntimes warm;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final boolean mayStartInBackground =
            InstanceIsolation.effectiveUid() == 0 && Files.isExecutable(NICE) && Files.isExecutable(RENICE);

    /**
     * @param warmRuntimes how many warm runtimes to keep idle for each entry point the data plane has
     *     a runtime for (Java, Node), at rest and after bursts; {@code fixed(0)} for none
     *     (docs/data-plane.md, "Warm runtimes")
     */
    public ProcessRuntime(
            PortAllocator ports,
            InstanceOutput outputs,
            LaunchCommands commands,
            InstanceIsolation isolation,
            CodeCache code,
            MemoryLimits memory,
            WarmPoolSize warmRuntimes) {
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
        this.warm = new WarmRuntimes(
                commands.warmable(),
                warmRuntimes,
                WarmRuntimes.GROWN_FOR,
                NodeAgent.DEFAULT_RAM_MB,
                new WarmRuntimes.Fork() {
                    @Override
                    public boolean ready(ServiceVersion.EntryCase kind) {
                        return commands.warmable(kind);
                    }

                    @Override
                    public WarmRuntimes.Warm start(String id, ServiceVersion.EntryCase kind, int ramMb) {
                        return forkWarm(id, kind, ramMb);
                    }
                },
                launcher);
        // Graceful on the way out too: instances drain as when stopped one by one. (If the JVM dies
        // without running hooks, setpriv's parent-death signal still kills them.)
        this.shutdownHook = new Thread(this::close, "lever-instance-stopper");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        warm.fill();
    }

    @Override
    public CompletableFuture<InstanceHandle> start(InstanceSpec spec) {
        return codeCache
                .acquire(spec.environmentName(), spec.service(), spec.version())
                .thenComposeAsync(
                        codeDir -> {
                            InstanceHandle warmed = startWarm(spec, codeDir);
                            if (warmed != null) {
                                return CompletableFuture.completedFuture(warmed);
                            }
                            InstanceSandbox sandbox = isolation.open(spec.versionKey(), codeDir, spec.instanceId());
                            return CompletableFuture.supplyAsync(
                                    () -> {
                                        try {
                                            return launch(spec, sandbox);
                                        } catch (RuntimeException e) {
                                            closeLater(sandbox);
                                            throw e;
                                        }
                                    },
                                    launcher);
                        },
                        preparer)
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
        Map<String, String> environment =
                environment(spec.environment(), spec.version().getEntryCase(), sandbox);
        environment.putAll(portEnvironment(port));
        Process process = fork(command, sandbox, environment, background);
        MemoryLimits.Limit ram = memory.limit(spec.instanceId(), process.pid(), spec.ramMb());
        try {
            process.getOutputStream().close(); // instances read nothing from stdin
        } catch (IOException e) {
            // already closed
        }
        return track(spec, process, port, ram, sandbox, background);
    }

    /**
     * Hands the instance to a warm runtime, if one is idle for it: copies the version's code into the
     * runtime's folder and orders it to serve. {@code null} when there is none, or it could not be
     * ordered (then the instance starts cold). Blocking (the copy).
     */
    private InstanceHandle startWarm(InstanceSpec spec, Path codeDir) {
        if (!warm.keeps(spec.version(), spec.ramMb()) || !isolation.fitsWarmRuntime(codeDir)) {
            return null;
        }
        WarmRuntimes.Warm runtime = warm.take(spec.version(), spec.ramMb());
        if (runtime == null) {
            return null;
        }
        InstanceSandbox sandbox = runtime.sandbox();
        int port;
        try {
            sandbox.takeCode(codeDir);
            port = ports.allocate();
            Map<String, String> environment = new LinkedHashMap<>(System.getenv());
            environment.keySet().removeIf(ProcessRuntime::isPlatformSetting);
            environment.putAll(environment(spec.environment(), runtime.kind(), sandbox));
            environment.putAll(portEnvironment(port));
            runtime.order(LaunchCommands.warmOrderArgs(spec.version()), environment);
        } catch (IOException | RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "could not hand {0} to warm runtime {1} ({2}); it starts cold",
                    spec.instanceId(),
                    runtime.id(),
                    e.toString());
            warm.discard(runtime);
            return null;
        }
        // at normal priority since it was trained, even for a background start: it has no JVM start to make
        return track(spec, runtime.process(), port, runtime.ram(), sandbox, false);
    }

    /** Starts a warm runtime (on the launcher thread): as an instance would be, but told {@code --warm}. */
    private WarmRuntimes.Warm forkWarm(String id, ServiceVersion.EntryCase kind, int ramMb) {
        InstanceSandbox sandbox = isolation.openWarm(id);
        try {
            List<String> command = commands.warmArgv(kind, ramMb, sandbox.tmpDir());
            Process process = fork(command, sandbox, environment(Map.of(), kind, sandbox), mayStartInBackground);
            MemoryLimits.Limit ram = memory.limit(id, process.pid(), ramMb);
            return new WarmRuntimes.Warm(
                    id, kind, process, sandbox, ram, mayStartInBackground, new CompletableFuture<>());
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    /**
     * Starts {@code command} in the sandbox (its user, its code folder) with {@code environment} on top
     * of the platform's own, less the platform's settings ({@code LEVEROS_TOKEN}, {@code LEVEROS_STORE},
     * ...: not the instance's business).
     */
    private Process fork(
            List<String> command, InstanceSandbox sandbox, Map<String, String> environment, boolean background) {
        List<String> argv = new ArrayList<>();
        if (background) {
            argv.addAll(List.of(NICE.toString(), "-n", Integer.toString(BACKGROUND_NICE)));
        }
        argv.addAll(sandbox.command(command));
        ProcessBuilder builder =
                new ProcessBuilder(argv).directory(sandbox.codeDir().toFile());
        builder.environment().keySet().removeIf(ProcessRuntime::isPlatformSetting);
        builder.environment().putAll(environment);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not run " + command + " in " + sandbox.codeDir() + ": " + e.getMessage(), e);
        }
    }

    /** The platform's own settings ({@code LEVEROS_TOKEN}, {@code LEVEROS_STORE}, ...): not the instance's business. */
    private static boolean isPlatformSetting(String variable) {
        return variable.startsWith("LEVEROS_");
    }

    /**
     * An instance's environment besides the platform's and the port: its version's ({@code
     * instanceEnvironment}), then what its entry point's runtime and its sandbox need.
     */
    private Map<String, String> environment(
            Map<String, String> instanceEnvironment, ServiceVersion.EntryCase kind, InstanceSandbox sandbox) {
        Map<String, String> environment = new LinkedHashMap<>(instanceEnvironment);
        environment.putAll(commands.environment(kind));
        environment.putAll(sandbox.environment());
        return environment;
    }

    private Map<String, String> portEnvironment(int port) {
        return Map.of("LEVEROS_PORT", Integer.toString(port), "LEVEROS_LISTEN_HOST", listenHost);
    }

    /** Follows a started instance's output and exit. */
    private ProcessInstance track(
            InstanceSpec spec,
            Process process,
            int port,
            MemoryLimits.Limit ram,
            InstanceSandbox sandbox,
            boolean background) {
        OutputCapture output = outputs.open(spec);
        output.follow(process.getInputStream(), "stdout");
        output.follow(process.getErrorStream(), "stderr");
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
    public Map<String, Integer> idleWarmRuntimes() {
        return byEntryName(warm.idleCounts());
    }

    @Override
    public Map<String, Integer> keptWarmRuntimes() {
        return byEntryName(warm.keptCounts());
    }

    private static Map<String, Integer> byEntryName(Map<ServiceVersion.EntryCase, Integer> counts) {
        Map<String, Integer> named = new LinkedHashMap<>();
        counts.forEach((kind, count) -> named.put(kind == ServiceVersion.EntryCase.JAVA ? "java" : "node", count));
        return named;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        warm.close();
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
        memory.close();
        codeCache.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
