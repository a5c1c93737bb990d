package io.leveros.dataplane.forwarding;

import io.leveros.core.json.JsonValues;
import io.leveros.dataplane.activator.InstanceWarmUp;
import io.leveros.dataplane.activator.Lease;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.instance.Instance;
import io.leveros.dataplane.tracing.TraceContext;
import io.leveros.proto.core.RPC;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Warms up a new instance of a version starting beside the live one with calls through this data plane's
 * own connection to it, before it counts as ready: the first calls a runtime answers are slow (its JIT
 * has compiled nothing yet, and much is made lazily on the first call), and without this the live
 * version's whole load would meet them at once when the new version goes live.
 *
 * <p>The calls name the method {@value #METHOD}, which no service exports (both runtimes leave out names
 * starting with {@code _}), so no service code runs: the runtime answers {@code NOT_FOUND} after taking
 * the path every call takes (HTTP/2, gRPC, the call's headers, the method lookup, the answer). Warming
 * ends after {@code calls} answers, {@value #BUDGET_MS} ms after the first answer (the longest it may
 * delay its version going live), or at the first call the
 * instance does not answer within {@value #CALL_TIMEOUT_MS} ms; it never fails the start.
 */
public final class WarmUpCalls implements InstanceWarmUp {
    private static final System.Logger LOG = System.getLogger(WarmUpCalls.class.getName());
    static final String METHOD = "_leverWarmUp";
    /** Calls in flight at once: enough for the runtime's concurrent path, few enough to leave the live version room. */
    private static final int LANES = 4;
    /** The first call into a new runtime can take long on a busy node: it loads and makes much. */
    private static final long CALL_TIMEOUT_MS = 10_000;

    private static final long BUDGET_MS = 2_000;

    private static final Buffer ARGUMENTS = Buffer.buffer(RPC.newBuilder()
            .setArgs(JsonValues.parseArgs("[\"warm-up\"]".getBytes(StandardCharsets.UTF_8)))
            .build()
            .toByteArray());

    private final InstanceClient client;
    private final int calls;

    public WarmUpCalls(InstanceClient client, int calls) {
        this.client = client;
        this.calls = calls;
    }

    @Override
    public Future<Void> warmUp(Instance instance) {
        Run run = new Run(instance);
        for (int i = 0; i < run.lanes.get(); i++) {
            run.lane();
        }
        return run.done
                .future()
                .onSuccess(done -> LOG.log(
                        Level.INFO,
                        "{0}: warmed up by {1} calls in {2} ms",
                        instance.describe(),
                        run.answered.get(),
                        (System.nanoTime() - run.startedNanos) / 1_000_000));
    }

    /** One instance's warm-up: a few lanes, each sending its next call once its last one is answered. */
    private final class Run {
        final Promise<Void> done = Promise.promise();
        final Lease lease;
        final String leverUrl;
        final long startedNanos = System.nanoTime();
        final AtomicInteger toSend = new AtomicInteger(calls);
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger lanes = new AtomicInteger(Math.max(1, Math.min(LANES, calls)));
        /** When warming ends, counted from the first answer; 0 before it. */
        volatile long deadlineNanos;

        volatile boolean stopped;

        Run(Instance instance) {
            this.lease = Lease.forWarmUp(instance);
            this.leverUrl = "lever://" + instance.route().environment() + "/"
                    + instance.route().service() + "/" + METHOD;
        }

        void lane() {
            long deadline = deadlineNanos;
            if (stopped || (deadline != 0 && System.nanoTime() - deadline > 0) || toSend.getAndDecrement() <= 0) {
                if (lanes.decrementAndGet() == 0) {
                    done.complete();
                }
                return;
            }
            client.call(lease, leverUrl, TraceContext.NONE, ARGUMENTS, CALL_TIMEOUT_MS)
                    .onComplete(answer -> {
                        if (answer.failed() && !answeredByTheInstance(answer.cause())) {
                            stopped = true; // it exited or hangs: its exit, or its first call, tells
                        } else if (answered.getAndIncrement() == 0) {
                            deadlineNanos = System.nanoTime() + BUDGET_MS * 1_000_000L;
                        }
                        lane();
                    });
        }
    }

    private static boolean answeredByTheInstance(Throwable failure) {
        return failure instanceof CallException e
                && e.code() != ErrorCode.INSTANCE_FAILED
                && e.code() != ErrorCode.INSTANCE_UNREACHABLE
                && e.code() != ErrorCode.INSTANCE_TIMEOUT;
    }
}
