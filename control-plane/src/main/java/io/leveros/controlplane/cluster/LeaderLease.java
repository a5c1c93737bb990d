package io.leveros.controlplane.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Leader election among the control planes of one Redis. The leader holds the key {@value #LEADER_KEY}
 * ({@code SET NX PX}, a {@link Settings#lease()} of 3 s) whose value is its id and term, {@code "<id>
 * <term>"}; each term is numbered by an {@code INCR} of {@value #TERM_KEY}, so terms only grow. Every
 * {@link Settings#renewInterval()} (1 s) each control plane runs one script: it extends the key when it
 * names this control plane (compare-and-extend), takes it with a new term when nobody holds it, and
 * answers who leads either way.
 *
 * <p>Leading ends at once, by the clock, {@link Settings#renewDeadline()} (2 s) after the last renewal
 * that succeeded was sent, whether or not the thread that renews is stuck on an unreachable Redis:
 * before the key (extended when Redis ran the script, after it was sent) can expire and another control
 * plane take a new term. A leader that shuts down deletes its key, so another takes over within a
 * renew interval instead of a lease.
 *
 * <p>Thread-safety: one daemon thread renews; {@link #state()} may be called from any thread.
 */
public final class LeaderLease implements Leadership, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);
    public static final String LEADER_KEY = "lever:leader";
    public static final String TERM_KEY = "lever:leader-term";

    /** Extends the lease when it names ARGV[1], takes it with a new term when free; answers the holder. */
    private static final RedisScript<String> CLAIM = RedisScript.of("""
            local holder = redis.call('GET', KEYS[1])
            if not holder then
              holder = ARGV[1] .. ' ' .. redis.call('INCR', KEYS[2])
              redis.call('SET', KEYS[1], holder, 'PX', ARGV[2])
            elseif string.sub(holder, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return holder
            """, String.class);

    /** Deletes the lease when it still is ARGV[1]. */
    private static final RedisScript<Long> RELEASE = RedisScript.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """, Long.class);

    /**
     * @param lease how long the key lives after each renewal
     * @param renewInterval how often the key is renewed, or claimed by those that do not hold it
     * @param renewDeadline how long after its last renewal was sent a leader stops leading: shorter
     *     than {@code lease}
     */
    public record Settings(Duration lease, Duration renewInterval, Duration renewDeadline) {
        public static final Settings DEFAULT =
                new Settings(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(2));

        public Settings {
            if (renewInterval.isNegative() || renewInterval.isZero()) {
                throw new IllegalArgumentException("renewInterval: " + renewInterval + " (expected: > 0)");
            }
            if (renewDeadline.compareTo(renewInterval) <= 0 || renewDeadline.compareTo(lease) >= 0) {
                throw new IllegalArgumentException("renewDeadline: " + renewDeadline + " (expected: > renewInterval "
                        + renewInterval + " and < lease " + lease + ")");
            }
        }
    }

    /** The lease as this control plane last saw it; {@code leadingUntilNanos} only when it holds it. */
    private record Seen(String leaderId, long term, boolean held, long leadingUntilNanos) {}

    private final StringRedisTemplate redis;
    private final String id;
    private final Settings settings;
    private final ScheduledExecutorService renewer;
    private volatile Seen seen = new Seen("", 0, false, 0);
    /** Whether the last look found this control plane leading; only the renewing thread uses it. */
    private boolean wasLeading;

    /** @param id this control plane's id: unique among the control planes, without spaces */
    public LeaderLease(StringRedisTemplate redis, String id, Settings settings) {
        if (id.isEmpty() || id.contains(" ")) {
            throw new IllegalArgumentException("control plane id '" + id + "' (expected: not empty, no spaces)");
        }
        this.redis = redis;
        this.id = id;
        this.settings = settings;
        this.renewer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("leader-lease").factory());
    }

    /** Claims or renews now and then every renew interval. */
    public LeaderLease start() {
        renewer.scheduleAtFixedRate(this::claim, 0, settings.renewInterval().toNanos(), TimeUnit.NANOSECONDS);
        return this;
    }

    @Override
    public State state() {
        Seen now = seen;
        return new State(id, leading(now, System.nanoTime()), now.leaderId(), now.term());
    }

    private static boolean leading(Seen seen, long nowNanos) {
        return seen.held() && nowNanos - seen.leadingUntilNanos() < 0;
    }

    /** One round: claim or renew, then log what changed. */
    void claim() {
        long sentAt = System.nanoTime();
        try {
            String holder = redis.execute(
                    CLAIM,
                    List.of(LEADER_KEY, TERM_KEY),
                    id,
                    Long.toString(settings.lease().toMillis()));
            int space = holder.lastIndexOf(' ');
            String leaderId = holder.substring(0, space);
            long term = Long.parseLong(holder.substring(space + 1));
            boolean held = leaderId.equals(id);
            Seen before = seen;
            seen = new Seen(
                    leaderId,
                    term,
                    held,
                    held ? sentAt + settings.renewDeadline().toNanos() : 0);
            if (!held && (!leaderId.equals(before.leaderId()) || term != before.term())) {
                log.info("Control plane '{}' leads (term {}); this one ('{}') follows", leaderId, term, id);
            }
        } catch (RuntimeException e) {
            if (wasLeading) {
                log.warn("Could not renew the leader lease in Redis: {}", e.toString());
            } else {
                log.debug("Could not claim the leader lease in Redis: {}", e.toString());
            }
        }
        logChange();
    }

    private void logChange() {
        Seen now = seen;
        boolean leading = leading(now, System.nanoTime());
        if (leading && !wasLeading) {
            log.info("This control plane ('{}') leads (term {}): it runs the autoscaler", id, now.term());
        } else if (!leading && wasLeading) {
            log.warn(
                    "This control plane ('{}') stopped leading (term {}): its lease was not renewed within {}",
                    id,
                    now.term(),
                    settings.renewDeadline());
        }
        wasLeading = leading;
    }

    /**
     * Stops renewing without giving the lease up, as a control plane that was killed or paused would:
     * for tests of what the others do then.
     */
    void abandon() {
        renewer.shutdownNow();
    }

    /** Stops renewing; a leader gives its lease up so another control plane takes over at once. */
    @Override
    public void close() {
        renewer.shutdownNow();
        Seen now = seen;
        if (now.held()) {
            try {
                redis.execute(RELEASE, List.of(LEADER_KEY), id + " " + now.term());
                log.info("This control plane ('{}') gave up leading (term {})", id, now.term());
            } catch (RuntimeException e) {
                log.warn("Could not give up the leader lease (it expires by itself): {}", e.toString());
            }
        }
        seen = new Seen(now.leaderId(), now.term(), false, 0);
    }
}
