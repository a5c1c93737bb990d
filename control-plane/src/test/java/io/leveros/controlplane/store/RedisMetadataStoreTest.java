package io.leveros.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.testing.RedisServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The contract against a real redis-server (append-only, started per test on a free port), plus what
 * only a shared store has: several control planes on one Redis, and Redis going away and coming back.
 */
class RedisMetadataStoreTest extends MetadataStoreContract {
    @TempDir
    Path temp;

    RedisServer redis;
    final List<LettuceConnectionFactory> connections = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start(temp);
    }

    @AfterEach
    void stopRedis() {
        connections.forEach(LettuceConnectionFactory::destroy);
        redis.stop();
    }

    /** A store with its own connection, as a separate control plane has. */
    @Override
    RedisMetadataStore open() {
        LettuceConnectionFactory factory =
                RedisConnections.connectionFactory((StoreLocation.Redis) StoreLocation.parse(redis.url()));
        connections.add(factory);
        return RedisMetadataStore.open(factory, redis.url(), Clock.systemUTC());
    }

    @Test
    void aChangeByOneControlPlaneReachesTheOtherWithinASecond() {
        try (RedisMetadataStore a = open();
                RedisMetadataStore b = open()) {
            Map<Long, Long> seenAt = new ConcurrentHashMap<>();
            b.addChangeListener(snapshot -> seenAt.put(snapshot.revision(), System.nanoTime()));
            List<Long> delaysMicros = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long written = System.nanoTime();
                a.createEnvironment("env" + i + ".lever");
                long revision = a.snapshot().revision();
                await().atMost(Duration.ofSeconds(1)).until(() -> seenAt.containsKey(revision));
                delaysMicros.add((seenAt.get(revision) - written) / 1000);
                assertThat(b.snapshot().environment("env" + i + ".lever")).isPresent();
            }
            Collections.sort(delaysMicros);
            System.out.printf(
                    "Redis store: a write by one control plane seen by the other after median %d us, max %d us%n",
                    delaysMicros.get(delaysMicros.size() / 2), delaysMicros.getLast());
            assertThat(delaysMicros.getLast()).isLessThan(1_000_000);
        }
    }

    @Test
    void concurrentDeploysFromTwoControlPlanesLoseNoUpdate() throws Exception {
        try (RedisMetadataStore a = open();
                RedisMetadataStore b = open();
                ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Long>> deployed = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                RedisMetadataStore store = i % 2 == 0 ? a : b;
                deployed.add(pool.submit(() -> {
                    long number = store.reserveVersion("dev.lever", "svc");
                    store.commitVersion(version("dev.lever", "svc", number));
                    return number;
                }));
            }
            Set<Long> numbers = ConcurrentHashMap.newKeySet();
            for (Future<Long> number : deployed) {
                numbers.add(number.get());
            }
            assertThat(numbers).hasSize(40).allMatch(n -> n >= 1 && n <= 40);
            for (RedisMetadataStore store : List.of(a, b)) {
                await().atMost(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertThat(store.snapshot().versions("dev.lever", "svc"))
                                .hasSize(40));
                assertThat(store.snapshot()
                                .service("dev.lever", "svc")
                                .orElseThrow()
                                .startingVersion())
                        .isEqualTo(40);
            }
        }
        try (RedisMetadataStore reopened = open()) {
            assertThat(reopened.snapshot().versions("dev.lever", "svc")).hasSize(40);
            assertThat(reopened.snapshot().revision()).isEqualTo(1 + 80);
        }
    }

    @Test
    void aRefusalIsDecidedOnTheCurrentStateNotOnAStaleSnapshot() {
        try (RedisMetadataStore a = open();
                RedisMetadataStore b = open()) {
            b.close(); // b hears nothing more: its snapshot goes stale
            a.createEnvironment("new.lever");
            assertThat(b.snapshot().environment("new.lever")).isEmpty();
            assertThatThrownBy(() -> b.createEnvironment("new.lever"))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.ENVIRONMENT_EXISTS));
            a.createEnvironment("other.lever");
            assertThat(b.snapshot().environment("other.lever")).isEmpty();
            b.deleteEnvironment("other.lever", false); // b's snapshot says not found, Redis says it exists
            assertThat(b.snapshot().environment("other.lever")).isEmpty();
            assertThat(b.snapshot().environment("new.lever")).isPresent();
        }
    }

    @Test
    void whileRedisIsDownWritesFailClearlyAndReadsServeTheLastSnapshot() {
        try (RedisMetadataStore store = open()) {
            store.reserveVersion("dev.lever", "svc");
            store.commitVersion(version("dev.lever", "svc", 1));
            StoreSnapshot before = store.snapshot();

            redis.stop();
            long started = System.nanoTime();
            assertThatThrownBy(() -> store.reserveVersion("dev.lever", "svc"))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.STORE_UNAVAILABLE))
                    .hasMessageContaining("the metadata store at " + redis.url() + " cannot be reached")
                    .hasMessageContaining("check that redis-server runs there")
                    .hasMessageContaining("lever.store");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(ErrorCode.STORE_UNAVAILABLE.status()).isEqualTo(503);
            assertThat(store.snapshot()).isSameAs(before);
            assertThat(store.snapshot().service("dev.lever", "svc")).isPresent();

            redis.start();
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> store.reserveVersion("dev.lever", "svc") == 2);
        }
    }

    @Test
    void afterARedisRestartNothingDeployedIsLostAndEveryControlPlaneCatchesUp() {
        try (RedisMetadataStore a = open();
                RedisMetadataStore b = open()) {
            a.createEnvironment("staging.lever");
            a.reserveVersion("staging.lever", "svc");
            a.commitVersion(version("staging.lever", "svc", 1));

            redis.stop();
            redis.start();

            // b's subscription broke with the restart; it must still see what a writes afterwards.
            List<Long> heard = Collections.synchronizedList(new ArrayList<>());
            b.addChangeListener(snapshot -> heard.add(snapshot.revision()));
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> a.reserveVersion("staging.lever", "svc") == 2);
            a.commitVersion(version("staging.lever", "svc", 2));
            long revision = a.snapshot().revision();
            await().atMost(Duration.ofSeconds(3)).until(() -> b.snapshot().revision() == revision);
            assertThat(heard).contains(revision);
            assertThat(b.snapshot()
                            .service("staging.lever", "svc")
                            .orElseThrow()
                            .startingVersion())
                    .isEqualTo(2);
        }
        try (RedisMetadataStore reopened = open()) {
            assertThat(reopened.snapshot().versions("staging.lever", "svc"))
                    .extracting(VersionRecord::version)
                    .containsExactly(2L, 1L);
        }
    }

    @Test
    void aStartWithRedisUnreachableFailsNamingTheAddress() {
        redis.stop();
        assertThatThrownBy(this::open)
                .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.STORE_UNAVAILABLE))
                .hasMessageContaining(redis.url());
    }
}
