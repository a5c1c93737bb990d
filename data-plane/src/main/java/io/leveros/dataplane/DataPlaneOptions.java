package io.leveros.dataplane;

import com.sun.management.UnixOperatingSystemMXBean;
import io.leveros.dataplane.isolation.IdRange;
import io.leveros.dataplane.logs.LogFormat;
import io.leveros.dataplane.routing.ControlPlanes;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The data plane's command line. Every port is configurable and may be 0 (any free port; the
 * actual ports are printed when listening). Durations take {@code ms}, {@code s} or {@code m}
 * suffixes ({@code 30s}); a bare number is milliseconds. Fluent setters, used at start only.
 */
public final class DataPlaneOptions {
    static final String USAGE = """
            usage: DataPlaneMain [options]
              --port N                    public HTTP API + gRPC port (default 8080; 0 = any free port)
              --bind-host H               address of the public port (default 0.0.0.0)
              --gateway-port N            internal gateway port on 127.0.0.1 (default 3838; 0 = any)
              --forwarding-port N         port for calls forwarded by other nodes (default 3500; 0 = any)
              --forwarding-host H         address of the forwarding port (default 127.0.0.1; on a cluster,
                                          the node's address on the cluster's private network)
              --advertise-host H          address other nodes reach the forwarding port at (default: the
                                          forwarding host, or 127.0.0.1 when that is 0.0.0.0)
              --control-plane HOST:PORT[,HOST:PORT...]
                                          the control planes' gRPC addresses (default 127.0.0.1:8091): routes
                                          from the first that answers (give every node the same order),
                                          instance reports to every one
              --data-dir DIR              this node's own state: the code of the versions it ran (a cache, fetched
                                          from the control plane), its credential (default ~/.lever-node/<node-id>)
              --java-runtime-lib DIR      folder with the Java runtime's jars (needed for javaEntry)
              --cache-dir DIR             where to keep the Java instances' class-data archive (none: no archive)
              --node-runtime DIR          folder of the Node runtime package (needed for jsEntry)
              --node PATH                 the node executable (default: node, from the PATH)
              --node-id ID                name of this node (default local)
              --node-credential-file F    this node's credential for the control plane (lever up writes
                                          <data-dir>/local-node.credential; on a cluster, issue one with
                                          `lever nodes credential <node-id>`); read at every (re)connect
                                          (default <data-dir>/node.credential)
              --join-token-file F         a cluster join token (`lever nodes join-token`): when the node has no
                                          credential yet, join the cluster with it once and keep the credential
                                          in <data-dir>/node.credential (0600)
              --memory-capacity SIZE      memory this node offers instances, reported to the control plane for
                                          placement, e.g. 4g or 512m (default: the machine's, or its cgroup
                                          limit when lower)
              --instance-start-timeout D  how long an instance may take to become ready (default 30s)
              --request-timeout D         how long a call may take (default 5m)
              --drain-timeout D           SIGTERM to SIGKILL delay when stopping an instance (default 10s)
              --instance-ports 0|A-B      ports for instances: 0 = any free port (default), or a range
              --max-queued-calls N        calls that may wait for a starting instance, per service (default 1000)
              --max-local-instances N     most instances of one service version on this node (default 16)
              --max-start-attempts N      failed starts in a row after which a version is not started again
                                          until it is deployed again (default 10; 1 s, 2 s, ... 30 s apart)
              --idle-check-interval D     how often idle instances are looked for (default 1s)
              --handover D                after a new version goes live, the replaced one's ready instances
                                          take a share of new calls falling from all to none over D, while
                                          the new instances warm up; 0 = switch at once (default 3s)
              --warm-runtimes N           idle runtimes kept started for each of Java and Node, each taken by a
                                          cold start of an instance with the default ram (256 MB) and told
                                          then which service to serve; each holds a uid, its memory limit
                                          and, while idle, about 68 (Java) or 17 (Node) MB of memory, the
                                          pages they share counted once; 0 = none (default:
                                          as many as fit in 2 % of the node's memory, 1 to 10 of each, and
                                          for 5 minutes after a burst of cold starts found too few, up to as
                                          many as fit in 8 %)
              --warm-up-calls N           calls a new instance of a version starting beside the live one
                                          answers before it counts as ready (to a method no service has,
                                          within 2 s at most); 0 = none (default 2000)
              --stream-idle-timeout D     a stream with no message either way for this long is closed (default 10m)
              --body-timeout D            a call's body may go this long without a part arriving, else 408
                                          (default 30s)
              --header-timeout D          a connection may take this long to send a request's headers, from
                                          its first byte (or the connection's start), else 408 and closed
                                          (default 10s)
              --event-loops N             event loops (threads) serving the ports, each with a server on each port
                                          and its own connections to instances; a connection stays on one
                                          (default: one per core)
              --max-connections N         connections each port takes at once; more are answered 503 and
                                          closed (default: a quarter of the open-file limit, at most 10000)
              --instance-dir DIR          where to make this data plane's instance folder (version code copies,
                                          runtime files, instances' temporary folders); every user must be
                                          able to traverse DIR (default: the system temporary folder)
              --instance-uids A-B         uids and gids for instances when the data plane runs as root: one per
                                          instance and per version, at random; ids no account or /etc/subuid
                                          line uses (default 2000000-2999999)
              --require-instance-isolation
                                          refuse to start unless each instance can run as its own user (that is,
                                          the data plane runs as root); without it, a data plane running as
                                          another user runs instances as itself and says so
              --otlp-endpoint URL         export a span of every unary call to this OpenTelemetry collector
                                          (OTLP/HTTP, JSON: POST URL/v1/traces), e.g. http://127.0.0.1:4318
                                          (default: none; calls' trace context is passed on either way)
              --log-format text|json      the log as text for people (default), or one JSON object a line (Elastic
                                          Common Schema fields, like the control plane's), instances' output too
              --runtime process|docker    how instances run: as processes of the data plane's node (default), or
                                          each in a Docker container (read-only root, no capabilities, memory
                                          and pids limits; images from ops/images/build)
              --docker-host URI           the Docker engine of --runtime docker (default: $DOCKER_HOST, else
                                          unix:///var/run/docker.sock)
              --image-tag TAG             the tag of the runtime images of --runtime docker (default latest)
              --allow-unlimited-ram       start even where instances cannot be held to their ram (no writable
                                          memory cgroup: not root, or /sys/fs/cgroup hidden as under
                                          `ip netns exec`); without it such a data plane refuses to start
            """;

    private String bindHost = "0.0.0.0";
    private int port = 8080;
    private int gatewayPort = 3838;
    private int forwardingPort = 3500;
    private String forwardingHost = "127.0.0.1";
    private String advertiseHost;
    private String controlPlane = "127.0.0.1:8091";
    private Path dataDir;
    private Path javaRuntimeLib;
    private Path cacheDir;
    private Path nodeRuntime;
    private String node = "node";
    private String nodeId = "local";
    private Path nodeCredentialFile;
    private Path joinTokenFile;
    private long memoryCapacityBytes;
    private Duration instanceStartTimeout = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofMinutes(5);
    private Duration drainTimeout = Duration.ofSeconds(10);
    private String instancePorts = "0";
    private int maxQueuedCalls = 1000;
    private int maxStartAttempts = 10;
    private int localMaxInstances = 16;
    private Duration idleCheckInterval = Duration.ofSeconds(1);
    private Duration handover = Duration.ofSeconds(3);
    private int warmUpCalls = 2000;
    private LogFormat logFormat = LogFormat.TEXT;
    private URI otlpEndpoint;
    private Duration streamIdleTimeout = Duration.ofMinutes(10);
    private Duration bodyTimeout = Duration.ofSeconds(30);
    private Duration headerTimeout = Duration.ofSeconds(10);
    private int maxConnections = defaultMaxConnections();
    private int eventLoops = Runtime.getRuntime().availableProcessors();
    /** -1: sized by the node's memory ({@code WarmPoolSize}). */
    private int warmRuntimes = -1;

    private Path instanceDir = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    private RuntimeKind runtime = RuntimeKind.PROCESS;
    private URI dockerHost = defaultDockerHost();
    private String imageTag = "latest";

    /** How instances run. */
    public enum RuntimeKind {
        PROCESS,
        DOCKER
    }

    private IdRange instanceUids = IdRange.DEFAULT;
    private boolean requireInstanceIsolation;

    /** Options that take no value; {@code --flag=false} turns one off. */
    private static final String REQUIRE_INSTANCE_ISOLATION = "--require-instance-isolation";

    private static final String ALLOW_UNLIMITED_RAM = "--allow-unlimited-ram";
    private boolean allowUnlimitedRam;

    /** @throws IllegalArgumentException naming the bad option and what was expected */
    public static DataPlaneOptions parse(String... args) {
        DataPlaneOptions o = new DataPlaneOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                value = arg.substring(equals + 1);
                arg = arg.substring(0, equals);
            } else if (arg.equals(REQUIRE_INSTANCE_ISOLATION) || arg.equals(ALLOW_UNLIMITED_RAM)) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option " + arg + " needs a value\n" + USAGE);
            }
            o.set(arg, value);
        }
        return o;
    }

    private void set(String name, String v) {
        switch (name) {
            case "--port" -> port = port(name, v);
            case "--bind-host" -> bindHost = v;
            case "--gateway-port" -> gatewayPort = port(name, v);
            case "--forwarding-port" -> forwardingPort = port(name, v);
            case "--forwarding-host" -> forwardingHost = v;
            case "--advertise-host" -> advertiseHost = v;
            case "--control-plane" -> controlPlane = controlPlanes(name, v);
            case "--data-dir" -> dataDir = Path.of(v).toAbsolutePath();
            case "--java-runtime-lib" -> javaRuntimeLib = Path.of(v).toAbsolutePath();
            case "--cache-dir" -> cacheDir = Path.of(v).toAbsolutePath();
            case "--node-runtime" -> nodeRuntime = Path.of(v).toAbsolutePath();
            case "--node" -> node = v;
            case "--node-id" -> nodeId = v;
            case "--node-credential-file" -> nodeCredentialFile = Path.of(v).toAbsolutePath();
            case "--join-token-file" -> joinTokenFile = Path.of(v).toAbsolutePath();
            case "--memory-capacity" -> memoryCapacityBytes = size(name, v);
            case "--instance-start-timeout" -> instanceStartTimeout = duration(name, v);
            case "--request-timeout" -> requestTimeout = duration(name, v);
            case "--drain-timeout" -> drainTimeout = duration(name, v);
            case "--instance-ports" -> instancePorts = v;
            case "--max-queued-calls" -> maxQueuedCalls = positive(name, v);
            case "--max-local-instances" -> localMaxInstances = positive(name, v);
            case "--max-start-attempts" -> maxStartAttempts = positive(name, v);
            case "--idle-check-interval" -> idleCheckInterval = duration(name, v);
            case "--handover" -> handover = duration(name, v);
            case "--warm-up-calls" -> warmUpCalls = nonNegative(name, v);
            case "--warm-runtimes" -> warmRuntimes = nonNegative(name, v);
            case "--log-format" -> logFormat = LogFormat.parse(name, v);
            case "--otlp-endpoint" -> otlpEndpoint = httpUrl(name, v);
            case "--stream-idle-timeout" -> streamIdleTimeout = duration(name, v);
            case "--body-timeout" -> bodyTimeout = positiveDuration(name, v);
            case "--header-timeout" -> headerTimeout = positiveDuration(name, v);
            case "--max-connections" -> maxConnections = positive(name, v);
            case "--event-loops" -> eventLoops = positive(name, v);
            case "--instance-dir" -> instanceDir = Path.of(v).toAbsolutePath();
            case "--instance-uids" -> instanceUids = IdRange.parse(name, v);
            case "--runtime" -> runtime = runtime(name, v);
            case "--docker-host" -> dockerHost = dockerHost(name, v);
            case "--image-tag" -> imageTag = imageTag(name, v);
            case REQUIRE_INSTANCE_ISOLATION -> requireInstanceIsolation = bool(name, v);
            case ALLOW_UNLIMITED_RAM -> allowUnlimitedRam = bool(name, v);
            default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
        }
    }

    static int port(String name, String value) {
        int port = integer(name, value);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a port 0-65535, 0 = any free port)");
        }
        return port;
    }

    static int positive(String name, String value) {
        int n = integer(name, value);
        if (n < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
        }
        return n;
    }

    static int nonNegative(String name, String value) {
        int n = integer(name, value);
        if (n < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
        return n;
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a number");
        }
    }

    /** {@code 4g}, {@code 512m}, {@code 65536k} or a bare number of bytes; more than 0. */
    static long size(String name, String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                default -> unit = 1;
            }
        }
        try {
            long amount = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1));
            if (amount > 0 && amount <= Long.MAX_VALUE / unit) {
                return amount * unit;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(
                name + ": '" + value + "' (expected: a size > 0 with an optional k, m or g suffix, e.g. 4g or 512m)");
    }

    private static boolean bool(String name, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + ": '" + value + "' (expected: true or false)");
        };
    }

    static String hostPort(String name, String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(name + ": '" + value + "' (expected: HOST:PORT, e.g. 127.0.0.1:8091)");
        }
        port(name, value.substring(colon + 1));
        return value;
    }

    /** {@code 250ms}, {@code 30s}, {@code 5m}, or a bare number of milliseconds. */
    private static Duration positiveDuration(String name, String value) {
        Duration duration = duration(name, value);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a duration > 0, e.g. 10s)");
        }
        return duration;
    }

    static Duration duration(String name, String value) {
        String v = value.trim();
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.ofMillis(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + ": '" + value + "' is not a duration (expected e.g. 500ms, 30s, 5m)");
        }
    }

    public String bindHost() {
        return bindHost;
    }

    public int port() {
        return port;
    }

    public DataPlaneOptions port(int port) {
        this.port = port;
        return this;
    }

    public int gatewayPort() {
        return gatewayPort;
    }

    public DataPlaneOptions gatewayPort(int gatewayPort) {
        this.gatewayPort = gatewayPort;
        return this;
    }

    public int forwardingPort() {
        return forwardingPort;
    }

    public String forwardingHost() {
        return forwardingHost;
    }

    /** The host other nodes forward calls to. */
    public String advertiseHost() {
        if (advertiseHost != null) {
            return advertiseHost;
        }
        return forwardingHost.equals("0.0.0.0") ? "127.0.0.1" : forwardingHost;
    }

    /** The control planes' addresses as given: {@code host:port[,host:port...]}. */
    public String controlPlane() {
        return controlPlane;
    }

    public DataPlaneOptions controlPlane(String hostPorts) {
        this.controlPlane = controlPlanes("controlPlane", hostPorts);
        return this;
    }

    /** The control planes, parsed. */
    public ControlPlanes controlPlanes() {
        return ControlPlanes.parse("--control-plane", controlPlane);
    }

    private static String controlPlanes(String name, String value) {
        ControlPlanes.parse(name, value);
        return value;
    }

    /** This node's own state (docs/cluster.md): made 0700 at start if missing. */
    public Path dataDir() {
        return dataDir != null
                ? dataDir
                : Path.of(System.getProperty("user.home"), ".lever-node", nodeId)
                        .toAbsolutePath();
    }

    /** Folder for caches that speed up instance starts, or {@code null}. */
    public Path cacheDir() {
        return cacheDir;
    }

    public Path javaRuntimeLib() {
        return javaRuntimeLib;
    }

    /** Folder of the Node runtime package, or {@code null}. */
    public Path nodeRuntime() {
        return nodeRuntime;
    }

    public String node() {
        return node;
    }

    /** How long a call's body may go without a part arriving. */
    public Duration bodyTimeout() {
        return bodyTimeout;
    }

    public Duration headerTimeout() {
        return headerTimeout;
    }

    /** Event loops serving each port's connections. */
    public int eventLoops() {
        return eventLoops;
    }

    /** Idle warm runtimes to keep for each entry point (Java, Node); 0 for none, -1 when not given. */
    public int warmRuntimes() {
        return warmRuntimes;
    }

    /** Connections each listening port takes at once. */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * A quarter of the process's open-file limit (each connection is a file, and so are the
     * connections to instances, the instances' pipes and the code), at most 10,000.
     */
    private static int defaultMaxConnections() {
        long openFiles = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount()
                : 40_000;
        return (int) Math.max(16, Math.min(10_000, openFiles / 4));
    }

    /** Whether instances may run without a hard memory limit where none can be set up. */
    public boolean allowUnlimitedRam() {
        return allowUnlimitedRam;
    }

    /** The file holding this node's credential: {@code --node-credential-file}, else {@code <data-dir>/node.credential}. */
    public Path nodeCredentialFile() {
        return nodeCredentialFile != null ? nodeCredentialFile : dataDir().resolve("node.credential");
    }

    /** Whether {@code --node-credential-file} was given (lever up's data plane may start before it is written). */
    public boolean nodeCredentialFileGiven() {
        return nodeCredentialFile != null;
    }

    /** The cluster join token file, or {@code null}. */
    public Path joinTokenFile() {
        return joinTokenFile;
    }

    /** {@code --memory-capacity} in bytes, or 0 for the machine's own. */
    public long memoryCapacityBytes() {
        return memoryCapacityBytes;
    }

    public String nodeId() {
        return nodeId;
    }

    public Duration instanceStartTimeout() {
        return instanceStartTimeout;
    }

    public DataPlaneOptions instanceStartTimeout(Duration timeout) {
        this.instanceStartTimeout = timeout;
        return this;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public DataPlaneOptions requestTimeout(Duration timeout) {
        this.requestTimeout = timeout;
        return this;
    }

    public Duration drainTimeout() {
        return drainTimeout;
    }

    public DataPlaneOptions drainTimeout(Duration timeout) {
        this.drainTimeout = timeout;
        return this;
    }

    public String instancePorts() {
        return instancePorts;
    }

    public int maxQueuedCalls() {
        return maxQueuedCalls;
    }

    public DataPlaneOptions maxQueuedCalls(int max) {
        this.maxQueuedCalls = max;
        return this;
    }

    public int maxStartAttempts() {
        return maxStartAttempts;
    }

    public int localMaxInstances() {
        return localMaxInstances;
    }

    public Duration idleCheckInterval() {
        return idleCheckInterval;
    }

    public DataPlaneOptions idleCheckInterval(Duration interval) {
        this.idleCheckInterval = interval;
        return this;
    }

    public Duration handover() {
        return handover;
    }

    public int warmUpCalls() {
        return warmUpCalls;
    }

    public LogFormat logFormat() {
        return logFormat;
    }

    /** The OpenTelemetry collector spans go to; {@code null}: none. */
    public URI otlpEndpoint() {
        return otlpEndpoint;
    }

    public DataPlaneOptions otlpEndpoint(URI endpoint) {
        this.otlpEndpoint = endpoint;
        return this;
    }

    private static URI httpUrl(String name, String value) {
        try {
            URI uri = new URI(value.trim());
            if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    name + ": '" + value + "' is not a URL (expected: http://host:port of an OTLP/HTTP collector,"
                            + " e.g. http://127.0.0.1:4318)");
        }
    }

    private static RuntimeKind runtime(String name, String value) {
        return switch (value.trim()) {
            case "process" -> RuntimeKind.PROCESS;
            case "docker" -> RuntimeKind.DOCKER;
            default ->
                throw new IllegalArgumentException(
                        name + ": '" + value + "' is not a runtime (expected: process or docker)");
        };
    }

    private static URI defaultDockerHost() {
        String fromEnvironment = System.getenv("DOCKER_HOST");
        return dockerHost(
                "DOCKER_HOST",
                fromEnvironment == null || fromEnvironment.isBlank() ? "unix:///var/run/docker.sock" : fromEnvironment);
    }

    private static URI dockerHost(String name, String value) {
        try {
            URI uri = new URI(value.trim());
            boolean unix = "unix".equals(uri.getScheme())
                    && uri.getPath() != null
                    && !uri.getPath().isEmpty();
            boolean tcp = "tcp".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0;
            if (!unix && !tcp) {
                throw new URISyntaxException(value, "not a Docker engine address");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a Docker engine address (expected:"
                    + " unix:///path/to/docker.sock or tcp://host:port)");
        }
    }

    private static String imageTag(String name, String value) {
        if (!value.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not an image tag (expected: letters,"
                    + " digits, '_', '.', '-', at most 128, e.g. latest)");
        }
        return value;
    }

    public RuntimeKind runtime() {
        return runtime;
    }

    public URI dockerHost() {
        return dockerHost;
    }

    public String imageTag() {
        return imageTag;
    }

    public Duration streamIdleTimeout() {
        return streamIdleTimeout;
    }

    /** The folder the instance folder is made in. */
    public Path instanceDir() {
        return instanceDir;
    }

    public IdRange instanceUids() {
        return instanceUids;
    }

    public boolean requireInstanceIsolation() {
        return requireInstanceIsolation;
    }

    public DataPlaneOptions streamIdleTimeout(Duration timeout) {
        this.streamIdleTimeout = timeout;
        return this;
    }
}
