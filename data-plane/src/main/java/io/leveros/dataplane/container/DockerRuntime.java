package io.leveros.dataplane.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.leveros.dataplane.code.CodeCache;
import io.leveros.dataplane.instance.InstanceHandle;
import io.leveros.dataplane.instance.InstanceOutput;
import io.leveros.dataplane.instance.InstanceRuntime;
import io.leveros.dataplane.instance.InstanceSpec;
import io.leveros.dataplane.instance.LaunchCommands;
import io.leveros.dataplane.instance.OutputCapture;
import io.leveros.dataplane.instance.PortAllocator;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs each instance in a Docker container, through the node's engine (docker-java): read-only root
 * filesystem, the version's code mounted read-only at {@link ContainerImages#CODE}, a small tmpfs at
 * {@link ContainerImages#TMP}, a non-root user, every capability dropped, no new privileges, memory
 * (and swap) limited to the version's {@code ram}, a pids limit, CPU shares by {@code ram}, and labels
 * that name the node, environment, service, version and instance. Containers share the node's network
 * (the engines this runs on have no bridge): the instance listens on a loopback port as a process
 * instance does, and reaches nothing it has no credential for.
 *
 * <p>Stopping is the engine's stop (SIGTERM, SIGKILL after the drain), then removal. Containers a
 * crashed data plane left are found by their node label and removed when the runtime starts. An
 * instance's output comes from the engine's log stream into the same {@link OutputCapture} as a
 * process's.
 */
public final class DockerRuntime implements InstanceRuntime {
    private static final Logger LOG = Logger.getLogger(DockerRuntime.class.getName());
    /** A container's exit code when its process was killed with SIGKILL (128 + 9). */
    private static final int KILLED_EXIT_CODE = 137;
    /** How long a killed container's exit waits for the engine to hear of an OOM kill. */
    private static final long OOM_REPORT_WAIT_MS = 1_000;

    private static final Duration SHUTDOWN_DRAIN = Duration.ofSeconds(10);

    /** The user instances run as: the images' {@code lever} (10001), never root. */
    static final String USER = "10001:10001";

    /** Processes and threads one instance may have: a JVM has a few dozen threads; a fork bomb stops here. */
    static final long PIDS_LIMIT = 512;

    /** The size of an instance's tmpfs (it counts against its {@code ram} as it fills). */
    static final String TMP_OPTIONS = "rw,nosuid,nodev,size=64m,mode=1777";

    static final String NODE_LABEL = "io.leveros.node";

    /**
     * The data plane's data folder: with the node, what tells one data plane's containers from another's
     * on the same engine (tests and laptops run several nodes called {@code local}).
     */
    static final String DATA_DIR_LABEL = "io.leveros.node.data-dir";

    private final DockerClient docker;
    private final URI dockerHost;
    private final ContainerImages images;
    private final String nodeId;
    private final Path dataDir;
    private final PortAllocator ports;
    private final InstanceOutput outputs;
    private final LaunchCommands commands = ContainerImages.launchCommands();
    private final CodeCache codeCache;
    private final ExecutorService launcher = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<ContainerInstance> live = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Connects to the engine at {@code dockerHost}, checks that the runtime images are there, and removes
     * the containers an earlier data plane of {@code nodeId} with this {@code dataDir} left.
     *
     * @throws IllegalStateException naming what is missing (the engine, an image) and how to get it
     */
    public DockerRuntime(
            URI dockerHost,
            ContainerImages images,
            String nodeId,
            Path dataDir,
            PortAllocator ports,
            InstanceOutput outputs,
            CodeCache codeCache) {
        this.docker = client(dockerHost);
        this.dockerHost = dockerHost;
        this.images = images;
        this.nodeId = nodeId;
        this.dataDir = dataDir;
        this.ports = ports;
        this.outputs = outputs;
        this.codeCache = codeCache;
        try {
            checkEngine();
            removeLeftovers();
        } catch (RuntimeException e) {
            close(docker);
            throw e;
        }
    }

    private void checkEngine() {
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new IllegalStateException("no Docker engine answers at " + dockerHost + " (" + e.getMessage()
                    + "): start one (dockerd), give its address with --docker-host, or run instances as processes"
                    + " (--runtime process)");
        }
        for (String image : images.all()) {
            try {
                docker.inspectImageCmd(image).exec();
            } catch (NotFoundException e) {
                throw new IllegalStateException("the Docker engine at " + dockerHost + " has no image " + image
                        + ": build the runtime images on this node with ops/images/build"
                        + (images.tag().equals("latest") ? "" : " --tag " + images.tag()));
            }
        }
    }

    private static DockerClient client(URI dockerHost) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost.toString())
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                // every instance holds two streams (its output, its exit) for as long as it runs
                .maxConnections(4_096)
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    /** Removes the containers of this node that no data plane runs any more (one crashed). */
    private void removeLeftovers() {
        List<Container> leftovers = docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(NODE_LABEL, nodeId, DATA_DIR_LABEL, dataDir.toString()))
                .exec();
        for (Container leftover : leftovers) {
            LOG.log(
                    Level.INFO,
                    "removing container {0} ({1}), left by an earlier data plane of node {2}",
                    new Object[] {leftover.getId().substring(0, 12), String.join(",", leftover.getNames()), nodeId});
            try {
                docker.removeContainerCmd(leftover.getId()).withForce(true).exec();
            } catch (NotFoundException e) {
                // removed meanwhile
            }
        }
    }

    @Override
    public CompletableFuture<InstanceHandle> start(InstanceSpec spec) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the data plane is stopping"));
        }
        return codeCache
                .acquire(spec.environmentName(), spec.service(), spec.version())
                .thenApplyAsync(codeDir -> launch(spec, codeDir), launcher)
                .whenComplete((instance, failure) -> {
                    if (failure != null) {
                        codeCache.release(spec.version());
                    }
                });
    }

    private InstanceHandle launch(InstanceSpec spec, Path codeDir) {
        int port = ports.allocate();
        String containerId = docker.createContainerCmd(images.of(spec.version()))
                .withName(containerName(spec))
                .withLabels(labels(spec))
                .withUser(USER)
                .withEnv(environment(spec, port))
                .withCmd(argv(spec, codeDir))
                .withWorkingDir(ContainerImages.CODE.toString())
                .withHostConfig(hostConfig(spec, codeDir))
                .exec()
                .getId();
        try {
            docker.startContainerCmd(containerId).exec();
            long pid = docker.inspectContainerCmd(containerId).exec().getState().getPidLong();
            OutputCapture output = outputs.open(spec);
            ContainerInstance instance =
                    new ContainerInstance(spec.instanceId(), containerId, pid, port, docker, output);
            live.add(instance);
            follow(containerId, output);
            launcher.execute(() -> watch(instance, output, spec));
            return instance;
        } catch (RuntimeException e) {
            remove(containerId);
            throw e;
        }
    }

    /** Feeds the container's stdout and stderr, as the engine streams them, into the instance's capture. */
    private void follow(String containerId, OutputCapture output) {
        OutputCapture.Lines stdout = output.lines("stdout");
        OutputCapture.Lines stderr = output.lines("stderr");
        docker.logContainerCmd(containerId)
                .withStdOut(true)
                .withStdErr(true)
                .withFollowStream(true)
                .exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                        byte[] payload = frame.getPayload();
                        switch (frame.getStreamType()) {
                            case STDOUT, RAW -> stdout.accept(payload, 0, payload.length);
                            case STDERR -> stderr.accept(payload, 0, payload.length);
                            default -> {}
                        }
                    }

                    @Override
                    public void onError(Throwable failure) {
                        ended();
                    }

                    @Override
                    public void onComplete() {
                        ended();
                    }

                    private void ended() {
                        stdout.end();
                        stderr.end();
                    }
                });
    }

    /** Waits (on a virtual thread) for the container to exit, then removes it and frees what it held. */
    private void watch(ContainerInstance instance, OutputCapture output, InstanceSpec spec) {
        int code;
        try (WaitContainerResultCallback wait =
                docker.waitContainerCmd(instance.containerId()).exec(new WaitContainerResultCallback())) {
            code = wait.awaitStatusCode();
        } catch (RuntimeException | IOException e) {
            code = -1; // the engine went away: the container is lost to us either way
        }
        output.endedAfterExit().join();
        boolean oomKilled = oomKilled(instance.containerId(), code);
        remove(instance.containerId());
        live.remove(instance);
        output.instanceExited();
        codeCache.release(spec.version());
        instance.exited(code, oomKilled);
    }

    /**
     * Whether the kernel killed the container for going over its memory limit, as the engine tells.
     * containerd reports the kill and the exit as two events, in either order, and the engine marks
     * the container when it hears of the kill: a container killed (137) and not marked yet is asked
     * about again for up to {@value #OOM_REPORT_WAIT_MS} ms. In a CI run the engine's {@code oom}
     * event came 11 ms after its {@code die} (137), and the first look had said not killed.
     */
    private boolean oomKilled(String containerId, int code) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OOM_REPORT_WAIT_MS);
        while (true) {
            boolean oomKilled;
            try {
                InspectContainerResponse.ContainerState state =
                        docker.inspectContainerCmd(containerId).exec().getState();
                oomKilled = Boolean.TRUE.equals(state.getOOMKilled());
            } catch (RuntimeException e) {
                return false; // removed by someone else
            }
            if (oomKilled || code != KILLED_EXIT_CODE || System.nanoTime() - deadline > 0) {
                return oomKilled;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private void remove(String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        } catch (RuntimeException e) {
            // gone already
        }
    }

    private List<String> argv(InstanceSpec spec, Path codeDir) {
        // paths in the code folder (a command entry's program) as the container sees them
        String hostCode = codeDir.toString() + "/";
        String containerCode = ContainerImages.CODE + "/";
        List<String> argv = new ArrayList<>();
        for (String arg : commands.argv(spec.version(), codeDir, spec.ramMb(), ContainerImages.TMP)) {
            argv.add(arg.startsWith(hostCode) ? containerCode + arg.substring(hostCode.length()) : arg);
        }
        return argv;
    }

    private List<String> environment(InstanceSpec spec, int port) {
        List<String> env = new ArrayList<>();
        spec.environment().forEach((name, value) -> env.add(name + "=" + value));
        commands.environment(spec.version()).forEach((name, value) -> env.add(name + "=" + value));
        env.add("LEVEROS_PORT=" + port);
        env.add("LEVEROS_LISTEN_HOST=127.0.0.1");
        env.add("HOME=" + ContainerImages.TMP);
        env.add("TMPDIR=" + ContainerImages.TMP);
        return env;
    }

    private static HostConfig hostConfig(InstanceSpec spec, Path codeDir) {
        long ramBytes = spec.ramMb() * 1024L * 1024L;
        return HostConfig.newHostConfig()
                .withNetworkMode("host")
                .withReadonlyRootfs(true)
                .withBinds(new Bind(codeDir.toString(), new Volume(ContainerImages.CODE.toString()), AccessMode.ro))
                .withTmpFs(Map.of(ContainerImages.TMP.toString(), TMP_OPTIONS))
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withMemory(ramBytes)
                .withMemorySwap(ramBytes) // no swap: over its ram it is killed, not slowed down
                .withPidsLimit(PIDS_LIMIT)
                // as for the original Lever: CPU in proportion to memory (1024, a normal process, at 256 MB)
                .withCpuShares(Math.max(2, spec.ramMb() * 4));
    }

    private Map<String, String> labels(InstanceSpec spec) {
        return Map.of(
                NODE_LABEL,
                nodeId,
                DATA_DIR_LABEL,
                dataDir.toString(),
                "io.leveros.environment",
                spec.environmentName(),
                "io.leveros.service",
                spec.service(),
                "io.leveros.version",
                Long.toString(spec.version().getVersion()),
                "io.leveros.instance",
                spec.instanceId());
    }

    /** {@code lever-<env>-<service>-v<version>-<instance>}, in the characters a container name may have. */
    static String containerName(InstanceSpec spec) {
        String name = "lever-" + spec.environmentName() + "-" + spec.service() + "-v"
                + spec.version().getVersion() + "-" + spec.instanceId();
        return name.replaceAll("[^a-zA-Z0-9_.-]", "-");
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
        for (ContainerInstance instance : live) {
            instance.stop(SHUTDOWN_DRAIN);
        }
        for (ContainerInstance instance : live) {
            try {
                instance.exit().get(SHUTDOWN_DRAIN.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "{0} did not stop; removing it", instance);
                remove(instance.containerId());
            }
        }
        launcher.shutdown();
        codeCache.close();
        close(docker);
    }

    private static void close(DockerClient docker) {
        try {
            docker.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public String toString() {
        return "Docker runtime (" + dockerHost + ", images " + images.all() + ")";
    }
}
