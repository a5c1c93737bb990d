package io.leveros.dataplane;

import io.leveros.dataplane.activator.Activator;
import io.leveros.dataplane.activator.ActivatorSettings;
import io.leveros.dataplane.activator.LeaseSource;
import io.leveros.dataplane.activator.PoolLoad;
import io.leveros.dataplane.code.CodeCache;
import io.leveros.dataplane.code.ControlPlaneCode;
import io.leveros.dataplane.connections.ConnectionRules;
import io.leveros.dataplane.connections.ConnectionTuning;
import io.leveros.dataplane.container.ContainerImages;
import io.leveros.dataplane.container.DockerRuntime;
import io.leveros.dataplane.forwarding.CallForwarder;
import io.leveros.dataplane.forwarding.InstanceClient;
import io.leveros.dataplane.forwarding.WarmUpCalls;
import io.leveros.dataplane.identity.ClusterJoin;
import io.leveros.dataplane.identity.NodeCredential;
import io.leveros.dataplane.ingress.CallerIdentity;
import io.leveros.dataplane.ingress.GrpcIngress;
import io.leveros.dataplane.ingress.HttpApiHandler;
import io.leveros.dataplane.ingress.Ingress;
import io.leveros.dataplane.ingress.IngressHandler;
import io.leveros.dataplane.ingress.InvalidRequests;
import io.leveros.dataplane.instance.InstanceOutput;
import io.leveros.dataplane.instance.InstanceRuntime;
import io.leveros.dataplane.instance.JavaClassArchive;
import io.leveros.dataplane.instance.LaunchCommands;
import io.leveros.dataplane.instance.MemoryLimits;
import io.leveros.dataplane.instance.NodeAgent;
import io.leveros.dataplane.instance.PortAllocator;
import io.leveros.dataplane.instance.ProcessRuntime;
import io.leveros.dataplane.instance.WarmPoolSize;
import io.leveros.dataplane.isolation.InstanceIsolation;
import io.leveros.dataplane.logs.LogsHandler;
import io.leveros.dataplane.logs.NodeLogs;
import io.leveros.dataplane.metrics.CallMetrics;
import io.leveros.dataplane.metrics.DataPlaneMetrics;
import io.leveros.dataplane.metrics.VersionGauges;
import io.leveros.dataplane.peer.InstanceReporter;
import io.leveros.dataplane.peer.NodeMemory;
import io.leveros.dataplane.placement.ControlPlaneLease;
import io.leveros.dataplane.placement.ControlPlaneResources;
import io.leveros.dataplane.placement.ResourcePlacement;
import io.leveros.dataplane.routing.ControlPlanes;
import io.leveros.dataplane.routing.LastRoutes;
import io.leveros.dataplane.routing.RoutesSubscriber;
import io.leveros.dataplane.routing.RoutingState;
import io.leveros.dataplane.routing.RoutingTable;
import io.leveros.dataplane.routing.ServiceRoute;
import io.leveros.dataplane.stream.InstanceStreams;
import io.leveros.dataplane.stream.OpenStreams;
import io.leveros.dataplane.stream.StreamRelay;
import io.leveros.dataplane.tracing.Tracer;
import io.leveros.proto.control.RoutingSnapshot;
import io.micrometer.core.instrument.Counter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Wires the data plane together and runs it: routing subscription, instance reports, node agent,
 * activator, forwarding, and the three listening ports (public ingress, loopback internal gateway,
 * and the forwarding port for calls from other nodes).
 */
public final class DataPlane implements AutoCloseable {
    /** The largest piece of an HTTP/1.1 body read at once: one byte message of a byte stream. */
    private static final int HTTP_CHUNK_SIZE = 64 * 1024;

    /**
     * Streams one HTTP/2 connection may have open at once. HTTP/2's usual 100 would make the 101st
     * stream of a client (one gRPC channel is one connection) wait for another to end; each stream
     * stays bounded by its own flow-control window.
     */
    static final long MAX_STREAMS_PER_CONNECTION = 10_000;

    private final Vertx vertx;
    private final ConnectionRules connectionRules;
    private final RoutingState routing;
    /** One h2c connection to the control plane, for the routes and the instance reports. */
    private final GrpcClient controlPlaneClient;

    private final NodeCredential credential;
    private final ControlPlanes controlPlanes;
    private final RoutesSubscriber subscriber;
    private final InstanceRuntime runtime;
    private final NodeAgent agent;
    private final Activator activator;
    private final InstanceClient instanceClient;
    private final OpenStreams openStreams;
    private final Duration drainTimeout;
    private final AtomicLong reportSequence = new AtomicLong();
    private final DataPlaneMetrics metrics;
    private final Tracer tracer;
    private final ResourcePlacement resources;
    private final long resourceTimer;
    private final LastRoutes lastRoutes;
    private final NodeLogs logs = new NodeLogs();
    private final NodeMemory nodeMemory;
    private InstanceReporter reporter;

    /** How instances are run, with every runtime file where they can read it. */
    private static LaunchCommands launchCommands(DataPlaneOptions options, InstanceIsolation isolation) {
        Path java = LaunchCommands.currentJava();
        Path javaRuntimeLib = options.javaRuntimeLib();
        JavaClassArchive archive = null;
        if (javaRuntimeLib != null) {
            Path javaHome = Path.of(System.getProperty("java.home"));
            java = isolation.readable(javaHome, "java").resolve(javaHome.relativize(java));
            if (options.cacheDir() != null) {
                archive = JavaClassArchive.prepare(
                        LaunchCommands.currentJava(),
                        javaRuntimeLib,
                        options.cacheDir(),
                        file -> isolation.readable(file, "java-runtime.jsa"));
            }
            javaRuntimeLib = isolation.readable(javaRuntimeLib, "java-runtime-lib");
        }
        Path nodeRuntime =
                options.nodeRuntime() == null ? null : isolation.readable(options.nodeRuntime(), "node-runtime");
        return new LaunchCommands(java, javaRuntimeLib, archive, options.node(), nodeRuntime);
    }

    /** Instances as processes (the default) or as Docker containers ({@code --runtime docker}). */
    private InstanceRuntime instanceRuntime(DataPlaneOptions options, Consumer<String> logSink, CodeCache code) {
        PortAllocator ports = PortAllocator.parse(options.instancePorts());
        InstanceOutput outputs = new InstanceOutput(logSink, options.logFormat(), logs);
        if (options.runtime() == DataPlaneOptions.RuntimeKind.DOCKER) {
            return new DockerRuntime(
                    options.dockerHost(),
                    new ContainerImages(options.imageTag()),
                    options.nodeId(),
                    options.dataDir(),
                    ports,
                    outputs,
                    code);
        }
        MemoryLimits memory = MemoryLimits.detect(options.allowUnlimitedRam());
        InstanceIsolation isolation = InstanceIsolation.start(
                options.instanceDir(), options.instanceUids(), options.requireInstanceIsolation(), options.nodeId());
        routing.onChange(table -> isolation.retain(liveVersions(table)));
        WarmPoolSize warmRuntimes = options.warmRuntimes() >= 0
                ? WarmPoolSize.fixed(options.warmRuntimes())
                : WarmPoolSize.byMemory(nodeMemory.read().totalBytes());
        return new ProcessRuntime(
                ports, outputs, launchCommands(options, isolation), isolation, code, memory, warmRuntimes);
    }

    /** The code archives the table names. */
    private static Set<String> codeArchives(RoutingTable table) {
        Set<String> named = new HashSet<>();
        for (ServiceRoute route : table.routes()) {
            named.add(route.version().getCodeSha256());
        }
        return named;
    }

    /** {@code env/service/version} of every live version. */
    private static Set<String> liveVersions(RoutingTable table) {
        Set<String> live = new HashSet<>();
        for (ServiceRoute route : table.routes()) {
            if (route.isLive()) {
                live.add(route.poolKey());
            }
        }
        return live;
    }

    /** Each port's servers, one per event loop ({@code --event-loops}), sharing the port. */
    private final List<HttpServer> servers = new ArrayList<>();

    private int port;
    private int gatewayPort;
    private int forwardingPort;

    private DataPlane(
            DataPlaneOptions options, Vertx vertx, ConnectionRules connectionRules, Consumer<String> logSink) {
        if (!options.nodeCredentialFileGiven()
                && options.joinTokenFile() == null
                && !Files.exists(options.nodeCredentialFile())) {
            throw new IllegalArgumentException("no node credential: " + options.nodeCredentialFile() + " does not exist"
                    + " and neither --node-credential-file nor --join-token-file was given; the control plane takes"
                    + " data planes with a node credential only (join a cluster with --join-token-file, a token from"
                    + " `lever nodes join-token`; or issue a credential with `lever nodes credential <node-id>`)");
        }
        this.vertx = vertx;
        this.connectionRules = connectionRules;
        this.routing = new RoutingState();
        this.drainTimeout = options.drainTimeout();
        this.controlPlaneClient = GrpcClient.client(
                vertx,
                new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_2)
                        .setHttp2ClearTextUpgrade(false)
                        .setConnectTimeout(2_000));
        this.credential = new NodeCredential(options.nodeCredentialFile());
        this.nodeMemory = new NodeMemory(options.memoryCapacityBytes());
        this.controlPlanes = options.controlPlanes();
        CodeCache code = CodeCache.open(
                options.dataDir(), new ControlPlaneCode(vertx, controlPlaneClient, controlPlanes, credential));
        this.runtime = instanceRuntime(options, logSink, code);
        routing.onChange(table -> code.retain(codeArchives(table)));
        this.agent = new NodeAgent(vertx, runtime, options.instanceStartTimeout(), options.drainTimeout());
        this.metrics = new DataPlaneMetrics(this::versionGauges, options.maxQueuedCalls());
        this.tracer = options.otlpEndpoint() == null
                ? Tracer.OFF
                : Tracer.exportingTo(options.otlpEndpoint(), options.nodeId());
        metrics.bindNetty(vertx);
        metrics.warmRuntimes(runtime::idleWarmRuntimes, runtime::keptWarmRuntimes);
        connectionRules.countRefusalsIn(metrics.refusals());
        this.activator = new Activator(
                vertx,
                agent,
                new ActivatorSettings(
                        options.maxQueuedCalls(),
                        options.localMaxInstances(),
                        options.maxStartAttempts(),
                        options.instanceStartTimeout().toMillis() + 1_000,
                        options.idleCheckInterval().toMillis(),
                        options.handover().toMillis()),
                reportSequence::get,
                metrics.starts());
        routing.onChange(activator::onRoutes);
        this.instanceClient = new InstanceClient(vertx);
        if (options.warmUpCalls() > 0) {
            activator.warmUpWith(new WarmUpCalls(instanceClient, options.warmUpCalls()));
        }
        routing.onChange(table -> instanceClient.forwardingKey(table.forwardingKey()));
        this.openStreams = new OpenStreams(vertx, options.streamIdleTimeout());
        activator.endReplacedStreamsWith(openStreams);
        this.resources = new ResourcePlacement(
                vertx,
                activator,
                new ControlPlaneResources(controlPlaneClient, controlPlanes, credential),
                new ControlPlaneLease(),
                instanceClient,
                options.nodeId(),
                options.requestTimeout().toMillis());
        // A walk over every binding (100,000 take milliseconds): on a worker, never on an event loop.
        this.resourceTimer = vertx.setPeriodic(
                1_000,
                id -> vertx.executeBlocking(() -> {
                    resources.expireIdle(System.nanoTime());
                    return null;
                }));
        this.subscriber =
                new RoutesSubscriber(vertx, controlPlaneClient, controlPlanes, options.nodeId(), credential, routing);
        // Static stability: the routes known before a restart serve until a control plane answers.
        this.lastRoutes = new LastRoutes(options.dataDir());
        RoutingSnapshot last = lastRoutes.load();
        if (last != null) {
            routing.update(RoutingTable.compile(last, options.nodeId()));
        }
        routing.onChange(lastRoutes::save);
    }

    /** Starts a data plane with default Vert.x options, printing instance output to stdout. */
    public static DataPlane start(DataPlaneOptions options) throws Exception {
        return start(options, new VertxOptions(), System.out::println);
    }

    /** Starts a data plane; returns once both ports listen. */
    public static DataPlane start(DataPlaneOptions options, VertxOptions vertxOptions, Consumer<String> logSink)
            throws Exception {
        ConnectionRules connectionRules = new ConnectionRules(options.headerTimeout(), options.maxConnections());
        // exactly the loops that serve: the timers, the node agent and the clients share them
        vertxOptions.setEventLoopPoolSize(options.eventLoops());
        Vertx vertx = Vertx.builder()
                .with(vertxOptions)
                .withTransport(connectionRules.transport())
                .build();
        DataPlane dataPlane;
        try {
            dataPlane = new DataPlane(options, vertx, connectionRules, logSink);
        } catch (RuntimeException e) { // e.g. instances cannot be isolated as required
            vertx.close();
            throw e;
        }
        try {
            dataPlane.joinIfNew(options);
            dataPlane.listen(options);
        } catch (Exception e) {
            dataPlane.close();
            throw e;
        }
        return dataPlane;
    }

    /**
     * With {@code --join-token-file} and no credential yet: joins the cluster (trying for up to a
     * minute while the control plane cannot be reached) and keeps the credential.
     */
    private void joinIfNew(DataPlaneOptions options) throws Exception {
        Path credentialFile = options.nodeCredentialFile();
        if (options.joinTokenFile() == null || Files.exists(credentialFile)) {
            return;
        }
        String token = ClusterJoin.readToken(options.joinTokenFile());
        try {
            ClusterJoin.join(
                            vertx,
                            controlPlaneClient,
                            controlPlanes.all(),
                            options.nodeId(),
                            token,
                            credentialFile,
                            60_000)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(90, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure
                    ? new IllegalStateException("cannot join the cluster: " + failure.getMessage(), failure)
                    : e;
        }
    }

    private void listen(DataPlaneOptions options) throws Exception {
        long requestTimeoutMs = options.requestTimeout().toMillis();
        CallForwarder forwarder = new CallForwarder(
                resources.forIngress(), instanceClient, activator.unreachablePeers(), requestTimeoutMs);
        CallerIdentity callers = new CallerIdentity(agent);
        // one recorder per ingress, shared by its loops' servers: a scrape must not see a series twice
        CallMetrics.Recorder gatewayCalls = metrics.calls().recorder(Ingress.GATEWAY.label());
        CallMetrics.Recorder forwardedCalls = metrics.calls().recorder(Ingress.FORWARDED.label());
        CallMetrics.Recorder publicCalls = metrics.calls().recorder(Ingress.PUBLIC.label());
        InstanceStreams streams =
                new InstanceStreams(resources.forIngress(), instanceClient, activator.unreachablePeers(), openStreams);
        gatewayPort = listenOnEachLoop(
                loop -> server(forwarder, streams, callers, Ingress.GATEWAY, options, gatewayCalls, loop),
                options.gatewayPort(),
                "127.0.0.1",
                Ingress.GATEWAY);
        String gateway = "127.0.0.1:" + gatewayPort;
        agent.gatewayAddress(gateway);
        instanceClient.gatewayAddress(gateway);
        forwardingPort = listenOnEachLoop(
                loop -> forwardingServer(
                        resources.forForwarded(), requestTimeoutMs, callers, options, forwardedCalls, loop),
                options.forwardingPort(),
                options.forwardingHost(),
                Ingress.FORWARDED);
        port = listenOnEachLoop(
                loop -> server(forwarder, streams, callers, Ingress.PUBLIC, options, publicCalls, loop),
                options.port(),
                options.bindHost(),
                Ingress.PUBLIC);
        subscriber.start();
        reporter = new InstanceReporter(
                vertx,
                controlPlaneClient,
                controlPlanes,
                options.nodeId(),
                credential,
                options.advertiseHost() + ":" + forwardingPort,
                activator,
                resources,
                reportSequence,
                nodeMemory,
                () -> WarmPoolSize.idleBytes(runtime.keptWarmRuntimes()),
                subscriber::unanswered);
        reporter.start();
    }

    /** The public port or the internal gateway: HTTP API, gRPC, health and metrics. */
    private HttpServer server(
            CallForwarder forwarder,
            InstanceStreams streams,
            CallerIdentity callers,
            Ingress ingress,
            DataPlaneOptions options,
            CallMetrics.Recorder calls,
            int loop) {
        GrpcIngress grpc = grpcIngress(forwarder, streams, callers, ingress, calls);
        HttpApiHandler api = new HttpApiHandler(
                routing,
                callers,
                forwarder,
                streams,
                ingress,
                calls,
                vertx,
                options.bodyTimeout().toMillis(),
                metrics.refusals(),
                tracer);
        IngressHandler handler = new IngressHandler(grpc, api, routing, controlPlanes, vertx, metrics);
        Counter requests = metrics.loopRequests(ingress.label(), loop);
        return vertx.createHttpServer(serverOptions(options))
                .connectionHandler(connection -> {
                    ConnectionTuning.install(connection);
                    grpc.serveRelayedCallsBelowVertx(connection, requests);
                })
                .invalidRequestHandler(invalidRequests(ingress))
                .requestHandler(request -> {
                    requests.increment();
                    handler.handle(request);
                });
    }

    private List<VersionGauges> versionGauges() {
        List<VersionGauges> versions = new ArrayList<>();
        for (PoolLoad load : activator.loads()) {
            int draining = 0;
            int onInstances = 0;
            for (PoolLoad.InstanceLoad instance : load.instances()) {
                draining += instance.draining() ? 1 : 0;
                onInstances += instance.inFlight();
            }
            ServiceRoute route = load.route();
            versions.add(new VersionGauges(
                    route.environment(),
                    route.service(),
                    route.versionNumber(),
                    load.startingInstances(),
                    load.readyInstances(),
                    draining,
                    onInstances,
                    load.waitingCalls(),
                    load.openStreams()));
        }
        return versions;
    }

    /**
     * The port other nodes forward calls to (gRPC), and where the control plane reads this node's
     * instance output ({@link LogsHandler}): calls are served by instances on this node, never
     * forwarded again, private services allowed (the node that forwarded the call checked it). Only
     * holders of the cluster's forwarding key (its data and control planes) may call it ({@link
     * io.leveros.dataplane.identity.ForwardingKey}).
     */
    private HttpServer forwardingServer(
            LeaseSource local,
            long requestTimeoutMs,
            CallerIdentity callers,
            DataPlaneOptions options,
            CallMetrics.Recorder calls,
            int loop) {
        CallForwarder forwarder =
                new CallForwarder(local, instanceClient, activator.unreachablePeers(), requestTimeoutMs);
        InstanceStreams streams = new InstanceStreams(local, instanceClient, activator.unreachablePeers(), openStreams);
        GrpcIngress grpc = grpcIngress(forwarder, streams, callers, Ingress.FORWARDED, calls);
        LogsHandler logsHandler = new LogsHandler(vertx, logs, routing, options.nodeId());
        Counter requests = metrics.loopRequests(Ingress.FORWARDED.label(), loop);
        return vertx.createHttpServer(serverOptions(options))
                .connectionHandler(connection -> {
                    ConnectionTuning.install(connection);
                    grpc.serveRelayedCallsBelowVertx(connection, requests);
                })
                .invalidRequestHandler(invalidRequests(Ingress.FORWARDED))
                .requestHandler(request -> {
                    requests.increment();
                    if (request.method() == HttpMethod.GET && LogsHandler.PATH.equals(request.path())) {
                        logsHandler.handle(request);
                    } else {
                        grpc.handle(request, request.getHeader(HttpHeaders.CONTENT_TYPE));
                    }
                });
    }

    /**
     * Listens on {@code port} with one server per event loop, each made by {@code newServer} on its
     * own event-loop context: Vert.x shares the port among them and hands each new connection to the
     * next, so the port's connections spread over the loops. Port 0 becomes one free port for all
     * (Vert.x's shared random port, one per ingress).
     *
     * @return the port listened on
     */
    private int listenOnEachLoop(IntFunction<HttpServer> newServer, int port, String host, Ingress ingress)
            throws Exception {
        SocketAddress address = port == 0
                ? SocketAddress.sharedRandomPort(ingress.ordinal() + 1, host)
                : SocketAddress.inetSocketAddress(port, host);
        int actualPort = 0;
        int index = 0;
        for (EventExecutor eventLoop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
            ContextInternal loop = ((VertxInternal) vertx)
                    .contextBuilder()
                    .withEventLoop((EventLoop) eventLoop)
                    .build();
            Promise<HttpServer> listening = Promise.promise();
            int loopIndex = index++;
            loop.runOnContext(v -> {
                try {
                    newServer.apply(loopIndex).listen(address).onComplete(listening);
                } catch (RuntimeException e) {
                    listening.fail(e);
                }
            });
            HttpServer server = await(listening.future());
            servers.add(server);
            actualPort = server.actualPort();
        }
        connectionRules.name(actualPort, ingress.label());
        int counted = actualPort;
        metrics.openConnections(ingress.label(), () -> connectionRules.open(counted), connectionRules.maxConnections());
        return actualPort;
    }

    private InvalidRequests invalidRequests(Ingress ingress) {
        HttpServerOptions defaults = new HttpServerOptions();
        return new InvalidRequests(
                ingress, metrics.refusals(), defaults.getMaxInitialLineLength(), defaults.getMaxHeaderSize());
    }

    private GrpcIngress grpcIngress(
            CallForwarder forwarder,
            InstanceStreams streams,
            CallerIdentity callers,
            Ingress ingress,
            CallMetrics.Recorder calls) {
        return new GrpcIngress(routing, callers, forwarder, new StreamRelay(streams), ingress, calls, tracer, vertx);
    }

    /**
     * The listening ports' options. A connection with no byte either way for longer than a stream
     * may stay silent is closed: a stream is never cut by it before its own idle rule.
     */
    private static HttpServerOptions serverOptions(DataPlaneOptions dataPlane) {
        HttpServerOptions options = new HttpServerOptions()
                .setIdleTimeout(
                        (int) dataPlane.streamIdleTimeout().plusSeconds(30).toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
        options.getInitialSettings()
                .setInitialWindowSize(InstanceClient.HTTP2_STREAM_WINDOW)
                .setMaxConcurrentStreams(MAX_STREAMS_PER_CONNECTION);
        options.setHttp2ConnectionWindowSize(InstanceClient.HTTP2_CONNECTION_WINDOW)
                .setHttp2ClearTextEnabled(true)
                .setMaxChunkSize(HTTP_CHUNK_SIZE)
                .setMaxWebSocketFrameSize(InstanceClient.MAX_MESSAGE_SIZE)
                .setMaxWebSocketMessageSize(InstanceClient.MAX_MESSAGE_SIZE);
        return options;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The public port (HTTP API + gRPC). */
    public int port() {
        return port;
    }

    /** The port other nodes forward calls to. */
    public int forwardingPort() {
        return forwardingPort;
    }

    /** The internal gateway's port (loopback). */
    public int gatewayPort() {
        return gatewayPort;
    }

    public RoutingState routing() {
        return routing;
    }

    public Activator activator() {
        return activator;
    }

    public InstanceRuntime runtime() {
        return runtime;
    }

    /** The streams open now, over any protocol. */
    public OpenStreams openStreams() {
        return openStreams;
    }

    public DataPlaneMetrics metrics() {
        return metrics;
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * Stops taking calls and lets those in flight finish (up to the drain timeout), then stops every
     * instance (SIGTERM, drain, SIGKILL) and closes Vert.x.
     */
    @Override
    public void close() {
        subscriber.close();
        if (reporter != null) {
            reporter.close();
        }
        controlPlaneClient.close();
        try {
            List<Future<Void>> shutdowns = new ArrayList<>();
            for (HttpServer server : servers) {
                shutdowns.add(server.shutdown(drainTimeout.toMillis(), TimeUnit.MILLISECONDS));
            }
            await(Future.join(shutdowns));
        } catch (Exception e) {
            // closing anyway
        }
        openStreams.close();
        tracer.close();
        vertx.cancelTimer(resourceTimer);
        activator.close();
        agent.close();
        instanceClient.close();
        lastRoutes.close();
        try {
            await(vertx.close());
        } catch (Exception e) {
            // closing anyway
        }
    }
}
