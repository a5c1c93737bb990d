package io.leveros.dataplane.instance;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.routing.ServiceRoute;
import io.leveros.proto.control.ServiceVersion;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts instances of a service version and tells when they are ready or gone. Knows every
 * instance by its credential ({@code LEVEROS_INSTANCE_TOKEN}), which is how the internal gateway
 * tells which environment a call comes from.
 *
 * <p>Futures it returns complete on a Vert.x event loop.
 */
public final class NodeAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeAgent.class.getName());
    /** The memory limit when a version sets none (lever.json {@code ram}). */
    public static final int DEFAULT_RAM_MB = 256;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private final Vertx vertx;
    private final InstanceRuntime runtime;
    private volatile boolean closing;
    private final ReadinessProbe probe;
    private final Duration startTimeout;
    private final Duration drainTimeout;
    private final Map<String, Instance> byToken = new ConcurrentHashMap<>();
    private volatile String gatewayAddress = "";

    public NodeAgent(Vertx vertx, InstanceRuntime runtime, Duration startTimeout, Duration drainTimeout) {
        this.vertx = vertx;
        this.runtime = runtime;
        this.probe = new ReadinessProbe(vertx);
        this.startTimeout = startTimeout;
        this.drainTimeout = drainTimeout;
    }

    /** The {@code host:port} of the internal gateway, handed to instances; set once it listens. */
    public void gatewayAddress(String address) {
        this.gatewayAddress = address;
    }

    public Duration startTimeout() {
        return startTimeout;
    }

    /**
     * Starts one instance of the route's live version and waits until it is ready.
     *
     * @return the ready instance; or a {@link CallException} NO_INSTANCE saying why it could not
     *     be made ready (launch error, exit with its last output, timeout)
     */
    public Future<Instance> start(ServiceRoute route, boolean background) {
        Context context = vertx.getOrCreateContext();
        Promise<Instance> started = Promise.promise();
        String token = randomHex(24);
        InstanceSpec spec;
        try {
            spec = spec(route, randomHex(8), token, background);
        } catch (RuntimeException e) {
            return Future.failedFuture(noInstance(route, "could not be launched: " + e.getMessage(), List.of()));
        }
        runtime.start(spec)
                .whenComplete((handle, failure) -> context.runOnContext(v -> {
                    if (failure != null) {
                        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                        started.fail(noInstance(route, "could not be launched: " + cause.getMessage(), List.of()));
                        return;
                    }
                    Promise<Integer> exited = Promise.promise();
                    handle.exit()
                            .whenComplete((code, error) -> context.runOnContext(x -> {
                                byToken.remove(token);
                                exited.complete(code == null ? -1 : code);
                            }));
                    probe.await(handle, startTimeout.toMillis()).onComplete(ready -> {
                        if (ready.succeeded()) {
                            Instance instance = new Instance(route, handle, exited.future());
                            byToken.put(token, instance);
                            started.complete(instance);
                        } else {
                            handle.stop(Duration.ZERO);
                            started.fail(noInstance(route, ready.cause().getMessage(), handle.lastOutput()));
                        }
                    });
                }));
        return started.future();
    }

    /** The environment of the instance holding {@code token}, or {@code null} for an unknown token. */
    public String environmentOf(String token) {
        if (token == null) {
            return null;
        }
        Instance instance = byToken.get(token);
        return instance == null ? null : instance.route().environment();
    }

    /** Stops an instance: SIGTERM, then SIGKILL after the drain timeout. */
    public void stop(Instance instance) {
        instance.handle().stop(drainTimeout);
    }

    /**
     * Kills {@code instance} unless it exits within the drain timeout, the time a stop by the platform
     * gives it, and says so. For an instance that refuses calls although the platform did not stop
     * it: it takes no more calls, so alive it would only hold its memory.
     */
    public void killUnlessGoneAfterDrain(Instance instance) {
        vertx.setTimer(drainTimeout.toMillis(), timer -> {
            if (instance.handle().exit().isDone()) {
                return;
            }
            LOG.log(
                    Level.WARNING,
                    "{0} refuses calls and has not exited within the drain timeout ({1} ms) of its first refusal:"
                            + " killing it",
                    instance.describe(),
                    Long.toString(drainTimeout.toMillis()));
            instance.handle().stop(Duration.ZERO);
        });
    }

    InstanceSpec spec(ServiceRoute route, String instanceId, String token, boolean background) {
        ServiceVersion version = route.version();
        int ramMb = ramMb(version);
        Map<String, String> env = new HashMap<>();
        env.put("LEVEROS_ENVIRONMENT", route.environment());
        env.put("LEVEROS_SERVICE", route.service());
        env.put("LEVEROS_INSTANCE_ID", instanceId);
        env.put("LEVEROS_CODE_VERSION", Long.toString(version.getVersion()));
        env.put("LEVEROS_INTERNAL_RPC_GATEWAY", gatewayAddress);
        env.put("LEVEROS_INSTANCE_TOKEN", token);
        env.put("LEVEROS_CONFIG", version.getConfigJson().isEmpty() ? "{}" : version.getConfigJson());
        env.put("LEVEROS_RAM_MB", Integer.toString(ramMb));
        String prefix = route.versionName() + " [" + instanceId + "]";
        return new InstanceSpec(
                instanceId, route.environment(), route.service(), version, env, ramMb, prefix, background);
    }

    /** The version's {@code ram} in MB, or the default when it sets none. */
    public static int ramMb(ServiceVersion version) {
        return version.getRamMb() > 0 ? version.getRamMb() : DEFAULT_RAM_MB;
    }

    private static CallException noInstance(ServiceRoute route, String why, List<String> output) {
        StringBuilder message = new StringBuilder("no instance of service '")
                .append(route.service())
                .append("' v")
                .append(route.versionNumber())
                .append(" in environment '")
                .append(route.environment())
                .append("' could be made ready: the instance ")
                .append(why);
        if (!output.isEmpty()) {
            message.append("; its last output:");
            for (String line : output) {
                message.append("\n  ").append(line);
            }
        }
        return new CallException(ErrorCode.NO_INSTANCE, message.toString());
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HEX.formatHex(random);
    }

    /** Whether the agent is stopping all its instances: their exits are expected then. */
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void close() {
        closing = true;
        probe.close();
        runtime.close();
    }
}
