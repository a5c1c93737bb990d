package io.leveros.dataplane.instance;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Runs instances. The seam between the node agent and what actually runs code: OS processes
 * ({@link ProcessRuntime}, the default) or Docker containers ({@code container.DockerRuntime}).
 */
public interface InstanceRuntime extends AutoCloseable {
    /**
     * Launches an instance. Completes once it is launched, not once it is ready (see {@link
     * ReadinessProbe}); fails when it could not be launched at all.
     */
    CompletableFuture<InstanceHandle> start(InstanceSpec spec);

    /** The instances still running, for tests and diagnostics. */
    Set<? extends InstanceHandle> live();

    /**
     * How many warm runtimes are trained and idle now, by entry point ({@code java}, {@code node}):
     * none where this runtime keeps none (docs/data-plane.md, "Warm runtimes").
     */
    default Map<String, Integer> idleWarmRuntimes() {
        return Map.of();
    }

    /**
     * How many warm runtimes are kept idle now, by entry point: the pool's size at rest, or more for a
     * while after a burst of cold starts needed more.
     */
    default Map<String, Integer> keptWarmRuntimes() {
        return Map.of();
    }

    /** Stops every instance this runtime started and waits (bounded) until they are gone. */
    @Override
    void close();
}
