package io.leveros.controlplane.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import io.leveros.proto.control.ScalingTarget;
import io.leveros.proto.control.ScalingTargetSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * The leader's targets in Redis: written to {@value #TARGETS_KEY} by a script that first checks that
 * {@value LeaderLease#LEADER_KEY} still names the writer's id and term (the fence: a leader paused
 * past its lease, whose successor already leads, has its write refused), then announced on the
 * channel {@value #CHANNEL}. Every control plane reads them on each announcement ({@link #refresh()},
 * called by a Redis listener), at start and every few seconds in case an announcement was missed.
 *
 * <p>Thread-safety: any thread.
 */
public final class RedisScalingTargets implements ScalingTargets, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisScalingTargets.class);
    public static final String TARGETS_KEY = "lever:scaling-targets";
    public static final String CHANNEL = "lever:scaling-targets";

    /** Writes ARGV[2] and announces ARGV[3] when the lease is still ARGV[1]. */
    private static final RedisScript<Long> FENCED_WRITE = RedisScript.of("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            redis.call('SET', KEYS[2], ARGV[2])
            redis.call('PUBLISH', ARGV[4], ARGV[3])
            return 1
            """, Long.class);

    /** How often the targets are read even without an announcement. */
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(2);

    private final StringRedisTemplate redis;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final RedisMessageListenerContainer announcements = new RedisMessageListenerContainer();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("scaling-targets").factory());
    private volatile Decided current = Decided.NONE;

    public RedisScalingTargets(StringRedisTemplate redis) {
        this.redis = redis;
    }

    /** Reads the targets now, on every announcement, and every {@link #REFRESH_INTERVAL}. */
    public RedisScalingTargets start(RedisConnectionFactory connections) {
        announcements.setConnectionFactory(connections);
        announcements.addMessageListener(
                (message, pattern) -> refresher.execute(this::refreshQuietly), new ChannelTopic(CHANNEL));
        announcements.afterPropertiesSet();
        announcements.start();
        refresher.scheduleWithFixedDelay(this::refreshQuietly, 0, REFRESH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.debug("Could not read the scaling targets from Redis: {}", e.toString());
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        announcements.stop();
        try {
            announcements.destroy();
        } catch (Exception e) {
            log.debug("Could not close the scaling targets' subscription: {}", e.toString());
        }
    }

    @Override
    public Decided current() {
        return current;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public boolean publish(Leadership.State leader, List<ScalingTarget> targets) {
        String payload = Base64.getEncoder()
                .encodeToString(ScalingTargetSet.newBuilder()
                        .setTerm(leader.term())
                        .addAllTargets(targets)
                        .build()
                        .toByteArray());
        Long written = redis.execute(
                FENCED_WRITE,
                List.of(LeaderLease.LEADER_KEY, TARGETS_KEY),
                leader.controlPlaneId() + " " + leader.term(),
                payload,
                Long.toString(leader.term()),
                CHANNEL);
        if (!Objects.equals(written, 1L)) {
            log.warn(
                    "Scaling targets of term {} refused: the leader lease no longer names this control plane"
                            + " ('{}') in that term",
                    leader.term(),
                    leader.controlPlaneId());
            return false;
        }
        update(new Decided(leader.term(), List.copyOf(targets)));
        return true;
    }

    /** Reads the targets from Redis. */
    public void refresh() {
        String stored = redis.opsForValue().get(TARGETS_KEY);
        if (stored == null) {
            return;
        }
        try {
            ScalingTargetSet set =
                    ScalingTargetSet.parseFrom(Base64.getDecoder().decode(stored));
            update(new Decided(set.getTerm(), List.copyOf(set.getTargetsList())));
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            log.warn("{} in Redis is not a scaling target set: {}", TARGETS_KEY, e.toString());
        }
    }

    /** Keeps {@code next} unless it is of an older term than what this control plane has. */
    private void update(Decided next) {
        synchronized (this) {
            if (next.term() < current.term() || next.equals(current)) {
                return;
            }
            current = next;
        }
        listeners.forEach(Runnable::run);
    }
}
