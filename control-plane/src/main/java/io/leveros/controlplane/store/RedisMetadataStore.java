package io.leveros.controlplane.store;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.core.environment.EnvironmentNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * The clustered store: every control plane of a cluster reads and writes one Redis.
 *
 * <p>Layout: {@code lever:revision} (a counter), and three hashes of JSON records ({@link StoreJson},
 * the file store's mapping): {@code lever:environments} (by name), {@code lever:services} (by {@code
 * ["env","service"]}), {@code lever:versions} (by {@code ["env","service",n]}).
 *
 * <p>A write is optimistic: the rules of {@link StoreDraft} run on the local snapshot, and the records
 * that changed are written by one Lua script that first checks that {@code lever:revision} is still the
 * snapshot's revision, then bumps it and publishes it on {@code lever:changes}. If another control plane
 * wrote meanwhile, the script changes nothing, this store reloads and applies the write again. So a
 * version number is never handed out twice and no commit overwrites another's (the higher version stays
 * live, by the rule in {@link StoreDraft#commitVersion}). A refusal (say, {@code ENVIRONMENT_EXISTS}) is
 * only given after checking that the snapshot it was decided on is current.
 *
 * <p>Every store subscribes to {@code lever:changes} and reloads the whole state (one script, so one
 * consistent revision) when it hears a newer revision; a check of the revision every second covers
 * announcements missed while disconnected. While Redis is unreachable, reads keep the last snapshot and
 * writes throw {@code STORE_UNAVAILABLE}; when it is back, the store reloads and tells its listeners.
 */
public final class RedisMetadataStore extends DraftedStore {
    static final String REVISION = "lever:revision";
    static final String ENVIRONMENTS = "lever:environments";
    static final String SERVICES = "lever:services";
    static final String VERSIONS = "lever:versions";
    static final String CHANGES = "lever:changes";
    private static final List<String> KEYS = List.of(REVISION, ENVIRONMENTS, SERVICES, VERSIONS);
    private static final int MAX_ATTEMPTS = 100;
    private static final long CHECK_INTERVAL_MS = 1000;
    private static final Logger log = LoggerFactory.getLogger(RedisMetadataStore.class);

    /**
     * ARGV: the expected revision, then operations {@code set <hash index> <field> <json>} or {@code del
     * <hash index> <field>} (index into KEYS, 2..4). Returns the new revision, or -1 when the expected
     * revision is not the current one (nothing changed).
     */
    private static final RedisScript<Long> WRITE = RedisScript.of("""
            local current = tonumber(redis.call('GET', KEYS[1]) or '0')
            if current ~= tonumber(ARGV[1]) then return -1 end
            local i = 2
            while i <= #ARGV do
              local key = KEYS[tonumber(ARGV[i + 1])]
              if ARGV[i] == 'set' then
                redis.call('HSET', key, ARGV[i + 2], ARGV[i + 3])
                i = i + 4
              else
                redis.call('HDEL', key, ARGV[i + 2])
                i = i + 3
              end
            end
            local revision = redis.call('INCR', KEYS[1])
            redis.call('PUBLISH', '%s', revision)
            return revision
            """.formatted(CHANGES), Long.class);

    /** The whole state at one revision: {revision, environments, services, versions}. */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> LOAD = RedisScript.of("""
            return {redis.call('GET', KEYS[1]) or '0', redis.call('HVALS', KEYS[2]),
                    redis.call('HVALS', KEYS[3]), redis.call('HVALS', KEYS[4])}
            """, List.class);

    private final StringRedisTemplate redis;
    private final String address;
    private final Clock clock;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object advanceLock = new Object();
    private final ScheduledExecutorService reloader;
    private final RedisMessageListenerContainer subscription;
    private volatile StoreSnapshot current;
    private volatile boolean reachable = true;
    private volatile boolean behindReported;

    private RedisMetadataStore(RedisConnectionFactory connections, String address, Clock clock) {
        this.redis = new StringRedisTemplate(connections);
        this.address = address;
        this.clock = clock;
        this.reloader = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lever-store-reload");
            thread.setDaemon(true);
            return thread;
        });
        this.subscription = new RedisMessageListenerContainer();
        subscription.setConnectionFactory(connections);
        subscription.setRecoveryInterval(CHECK_INTERVAL_MS);
        subscription.addMessageListener(
                (message, pattern) -> onAnnounced(new String(message.getBody(), StandardCharsets.US_ASCII)),
                new ChannelTopic(CHANGES));
    }

    /**
     * Loads the state from Redis (creating the default environment in an empty one) and starts following
     * the changes of other control planes. The connection factory stays the caller's.
     *
     * @param address how messages name the server, e.g. {@code redis://10.0.0.5:6379}
     * @throws ControlPlaneException {@code STORE_UNAVAILABLE} when Redis cannot be reached
     */
    public static RedisMetadataStore open(RedisConnectionFactory connections, String address, Clock clock) {
        RedisMetadataStore store = new RedisMetadataStore(connections, address, clock);
        try {
            store.current = store.load();
            if (store.current.environment(EnvironmentNames.DEFAULT).isEmpty()) {
                try {
                    store.createEnvironment(EnvironmentNames.DEFAULT);
                } catch (ControlPlaneException e) {
                    if (e.code() != ErrorCode.ENVIRONMENT_EXISTS) { // another control plane made it first
                        throw e;
                    }
                }
            }
            store.subscription.afterPropertiesSet();
            store.subscription.start();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        store.reloader.scheduleWithFixedDelay(
                store::checkRevision, CHECK_INTERVAL_MS, CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
        return store;
    }

    @Override
    public StoreSnapshot snapshot() {
        return current;
    }

    @Override
    public void close() {
        stopAnnouncing();
        reloader.shutdownNow();
        try {
            subscription.destroy();
        } catch (Exception e) {
            log.debug("Closing the subscription to {} failed", CHANGES, e);
        }
    }

    @Override
    <T> T write(Function<StoreDraft, T> change) {
        writeLock.lock();
        try {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                StoreSnapshot base = current;
                StoreDraft draft = new StoreDraft(base, clock.instant().truncatedTo(ChronoUnit.MILLIS));
                T result;
                try {
                    result = change.apply(draft);
                } catch (ControlPlaneException refusal) {
                    if (storedRevision() == base.revision()) {
                        throw refusal; // decided on the current state
                    }
                    refresh(base);
                    continue;
                }
                long revision = execute(WRITE, changes(base, draft.toSnapshot(base.revision())));
                if (revision >= 0) {
                    advance(draft.toSnapshot(revision));
                    return result;
                }
                refresh(base); // another control plane wrote first: apply the write again on its result
            }
            throw new ControlPlaneException(
                    ErrorCode.STORE_UNAVAILABLE,
                    "the metadata store at " + address + " changed under this write " + MAX_ATTEMPTS
                            + " times in a row (other control planes are writing): try again");
        } finally {
            writeLock.unlock();
        }
    }

    /** Reloads after a conflict; refuses to go on when Redis went back in time (it lost data). */
    private void refresh(StoreSnapshot base) {
        StoreSnapshot loaded = load();
        if (loaded.revision() < base.revision()) {
            throw lostData(loaded.revision(), base.revision());
        }
        advance(loaded);
    }

    private ControlPlaneException lostData(long stored, long seen) {
        return new ControlPlaneException(
                ErrorCode.STORE_UNAVAILABLE,
                "the metadata store at " + address + " is at revision " + stored + ", behind revision " + seen
                        + " this control plane has seen: Redis lost data (was it restarted without persistence? "
                        + "it needs appendonly yes). Writes are refused so nothing is overwritten; restore "
                        + "Redis from a backup, then restart the control planes");
    }

    /** The Lua arguments that turn {@code from} into {@code to}: the records that differ. */
    private static List<String> changes(StoreSnapshot from, StoreSnapshot to) {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(from.revision()));
        diff(
                args,
                2,
                byField(from.environments(), EnvironmentRecord::name),
                byField(to.environments(), EnvironmentRecord::name));
        diff(
                args,
                3,
                byField(from.allServices(), RedisMetadataStore::field),
                byField(to.allServices(), RedisMetadataStore::field));
        diff(
                args,
                4,
                byField(from.allVersions(), RedisMetadataStore::field),
                byField(to.allVersions(), RedisMetadataStore::field));
        return args;
    }

    private static <R> void diff(List<String> args, int hash, Map<String, R> before, Map<String, R> after) {
        after.forEach((field, record) -> {
            if (!Objects.equals(before.get(field), record)) {
                args.addAll(List.of("set", Integer.toString(hash), field, StoreJson.MAPPER.writeValueAsString(record)));
            }
        });
        before.keySet().stream()
                .filter(field -> !after.containsKey(field))
                .forEach(field -> args.addAll(List.of("del", Integer.toString(hash), field)));
    }

    private static <R> Map<String, R> byField(List<R> records, Function<R, String> field) {
        Map<String, R> map = new HashMap<>();
        for (R record : records) {
            map.put(field.apply(record), record);
        }
        return map;
    }

    private static String field(ServiceRecord service) {
        return StoreJson.MAPPER.writeValueAsString(List.of(service.environment(), service.name()));
    }

    private static String field(VersionRecord version) {
        return StoreJson.MAPPER.writeValueAsString(
                List.of(version.environment(), version.service(), version.version()));
    }

    private StoreSnapshot load() {
        List<?> state = execute(LOAD, List.of());
        return new StoreSnapshot(
                Long.parseLong((String) state.get(0)),
                records(state.get(1), EnvironmentRecord.class),
                records(state.get(2), ServiceRecord.class),
                records(state.get(3), VersionRecord.class));
    }

    private static <R> List<R> records(Object values, Class<R> type) {
        List<R> records = new ArrayList<>();
        for (Object json : (List<?>) values) {
            records.add(StoreJson.MAPPER.readValue((String) json, type));
        }
        return records;
    }

    private long storedRevision() {
        try {
            String revision = redis.opsForValue().get(REVISION);
            return revision == null ? 0 : Long.parseLong(revision);
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
    }

    private <T> T execute(RedisScript<T> script, List<String> args) {
        try {
            return redis.execute(script, KEYS, args.toArray());
        } catch (DataAccessException e) {
            throw unavailable(e);
        }
    }

    private ControlPlaneException unavailable(DataAccessException e) {
        ControlPlaneException failure = RedisFailures.unavailable("the metadata store", address, e);
        return new ControlPlaneException(
                failure.code(),
                failure.getMessage() + "; reads are served from the last snapshot"
                        + (current == null ? "" : ", revision " + current.revision()) + ", until it is back",
                e);
    }

    /** Makes {@code next} current if it is newer than what this store has, and tells the listeners. */
    private void advance(StoreSnapshot next) {
        synchronized (advanceLock) {
            if (current != null && next.revision() <= current.revision()) {
                return;
            }
            current = next;
            announce(next);
        }
    }

    private void onAnnounced(String revision) {
        long announced;
        try {
            announced = Long.parseLong(revision);
        } catch (NumberFormatException e) {
            log.warn("Ignoring '{}' on {}: not a revision", revision, CHANGES);
            return;
        }
        if (announced > current.revision()) {
            reloader.execute(() -> reloadIfBehind(announced));
        }
    }

    private void reloadIfBehind(long announced) {
        if (announced > current.revision()) {
            reload();
        }
    }

    /** Runs every second on the reload thread: catches announcements missed while disconnected. */
    private void checkRevision() {
        try {
            long stored = storedRevision();
            if (!reachable) {
                reachable = true;
                log.info("The metadata store at {} is reachable again (revision {})", address, stored);
            }
            if (stored > current.revision()) {
                reload();
            } else if (stored < current.revision() && !behindReported) {
                behindReported = true;
                log.error(lostData(stored, current.revision()).getMessage());
            }
        } catch (ControlPlaneException e) {
            if (reachable) {
                reachable = false;
                log.warn("{}", e.getMessage());
            }
        } catch (RuntimeException e) {
            log.warn("Checking the revision of the metadata store at {} failed", address, e);
        }
    }

    private void reload() {
        try {
            StoreSnapshot loaded = load();
            if (loaded.revision() > current.revision()) {
                advance(loaded);
            }
        } catch (RuntimeException e) {
            log.warn("Reloading the metadata store from {} failed: {}", address, e.getMessage());
        }
    }
}
