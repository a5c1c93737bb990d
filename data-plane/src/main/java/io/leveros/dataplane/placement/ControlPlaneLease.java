package io.leveros.dataplane.placement;

import java.util.concurrent.TimeUnit;

/**
 * Whether this node may still deliver calls for the resources it holds: only while the control
 * plane acknowledged one of its reports recently (docs/resources.md, "Leases"). The control plane
 * drops a node's bindings after {@code lever.node-expiry} (6 s) without a report; the lease lapses
 * earlier, so a node cut off stops serving its resources before anyone else can be given them.
 */
public final class ControlPlaneLease {
    /** Shorter than the control plane's node expiry (6 s) by one report period (2 s). */
    public static final long DURATION_NANOS = TimeUnit.SECONDS.toNanos(4);

    private volatile long ackedAtNanos;
    private volatile String controlPlaneId = "";
    private volatile boolean everAcked;

    /**
     * A report was acknowledged. Answers whether the control plane is another process than the one
     * that acknowledged before (it restarted and knows no binding).
     */
    public boolean acked(String id, long nowNanos) {
        boolean changed = everAcked && !id.equals(controlPlaneId);
        controlPlaneId = id;
        ackedAtNanos = nowNanos;
        everAcked = true;
        return changed;
    }

    /** Whether the lease holds at {@code nowNanos}. */
    public boolean valid(long nowNanos) {
        return everAcked && nowNanos - ackedAtNanos < DURATION_NANOS;
    }

    /** How long ago the last acknowledgement was, for error messages; -1 if there was none. */
    public long sinceAckMs(long nowNanos) {
        return everAcked ? (nowNanos - ackedAtNanos) / 1_000_000 : -1;
    }
}
