package io.leveros.dataplane.instance;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A started instance as its runtime sees it. Thread-safe. */
public interface InstanceHandle {
    String instanceId();

    /** The OS process id (for a process runtime), or -1 when there is none. */
    long pid();

    /** The loopback port the instance serves {@code core.LeverRPC} on. */
    int port();

    /**
     * Completes when the instance says it serves (a runtime's {@code serving ...} line): a hint to
     * check its readiness at once rather than at the probe's next attempt.
     */
    CompletableFuture<Void> servingAnnounced();

    /** Completes with the exit code when the instance has exited, for whatever reason. */
    CompletableFuture<Integer> exit();

    /**
     * Asks the instance to drain and exit (SIGTERM), and kills it (SIGKILL) if it is still there
     * after {@code drain}. Returns at once; {@link #exit()} tells when it is gone.
     */
    void stop(Duration drain);

    /**
     * Whether the instance went over its {@code ram} and was killed for it (known once it has
     * exited; always false where the OS enforces no limit).
     */
    boolean exceededRam();

    /**
     * Gives an instance started in the background ({@link InstanceSpec#background()}) the normal CPU
     * priority, once its version serves. Returns at once; nothing for other instances.
     */
    default void foreground() {}

    /** The last lines the instance printed (stdout and stderr), oldest first. */
    List<String> lastOutput();
}
