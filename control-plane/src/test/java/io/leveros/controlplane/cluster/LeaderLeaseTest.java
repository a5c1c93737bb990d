package io.leveros.controlplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.controlplane.store.RedisConnections;
import io.leveros.controlplane.store.StoreLocation;
import io.leveros.controlplane.testing.RedisServer;
import io.leveros.proto.control.ScalingTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Two control planes' leases on one real redis-server, each with its own connection. */
class LeaderLeaseTest {
    @TempDir
    Path temp;

    RedisServer redis;
    final List<LettuceConnectionFactory> connections = new ArrayList<>();
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void redis() {
        redis = RedisServer.start(temp);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closing.reversed()) {
            closeable.close();
        }
        connections.forEach(LettuceConnectionFactory::destroy);
        redis.close();
    }

    LettuceConnectionFactory connection() {
        LettuceConnectionFactory factory =
                RedisConnections.connectionFactory(new StoreLocation.Redis("127.0.0.1", redis.port(), 0));
        connections.add(factory);
        return factory;
    }

    LeaderLease lease(String id) {
        LeaderLease lease = new LeaderLease(new StringRedisTemplate(connection()), id, LeaderLease.Settings.DEFAULT);
        closing.add(lease);
        return lease.start();
    }

    static ScalingTarget target(int instances) {
        return ScalingTarget.newBuilder()
                .setEnvironment("dev.lever")
                .setService("hello")
                .setVersion(1)
                .setNodeId("n1")
                .setInstances(instances)
                .build();
    }

    @Test
    void twoLeasesContendAndExactlyOneLeads() {
        LeaderLease a = lease("cp-a");
        LeaderLease b = lease("cp-b");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> a.state().leading() || b.state().leading());
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) { // several renewals: never both, never neither
            boolean aLeads = a.state().leading();
            boolean bLeads = b.state().leading();
            assertThat(aLeads ^ bLeads)
                    .as("exactly one leads (a: %s, b: %s)", aLeads, bLeads)
                    .isTrue();
        }
        LeaderLease leader = a.state().leading() ? a : b;
        LeaderLease follower = leader == a ? b : a;
        await().atMost(Duration.ofSeconds(2))
                .until(() -> !follower.state().leaderId().isEmpty());
        assertThat(follower.state().leaderId()).isEqualTo(leader.state().controlPlaneId());
        assertThat(follower.state().term()).isEqualTo(leader.state().term());
    }

    @Test
    void whenTheLeaderStopsRenewingTheOtherTakesOverWithinLeasePlusRenewAndAnOldTermsWriteIsFenced() {
        LeaderLease a = lease("cp-a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.state().leading());
        LeaderLease b = lease("cp-b");
        await().atMost(Duration.ofSeconds(3)).until(() -> b.state().leaderId().equals("cp-a"));
        Leadership.State oldLeader = a.state();
        RedisScalingTargets aTargets = new RedisScalingTargets(new StringRedisTemplate(connection()));
        assertThat(aTargets.publish(oldLeader, List.of(target(2)))).isTrue();

        long abandoned = System.nanoTime();
        a.abandon(); // killed, or paused
        await().atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> !a.state().leading());
        long stoppedMs = (System.nanoTime() - abandoned) / 1_000_000;
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> b.state().leading());
        long takeoverMs = (System.nanoTime() - abandoned) / 1_000_000;
        System.out.printf(
                "old leader stopped leading after %d ms; the other took over after %d ms%n", stoppedMs, takeoverMs);
        LeaderLease.Settings settings = LeaderLease.Settings.DEFAULT;
        assertThat(stoppedMs).isLessThanOrEqualTo(settings.renewDeadline().toMillis() + 100);
        assertThat(takeoverMs).isGreaterThanOrEqualTo(stoppedMs); // never two leaders
        assertThat(takeoverMs)
                .isLessThanOrEqualTo(
                        settings.lease().plus(settings.renewInterval()).toMillis() + 300);
        Leadership.State newLeader = b.state();
        assertThat(newLeader.term()).isGreaterThan(oldLeader.term());

        // The old leader, paused across the takeover, wakes and writes its decision: refused.
        RedisScalingTargets reader = new RedisScalingTargets(new StringRedisTemplate(connection()));
        closing.add(reader.start(connection()));
        RedisScalingTargets bTargets = new RedisScalingTargets(new StringRedisTemplate(connection()));
        assertThat(bTargets.publish(newLeader, List.of(target(3)))).isTrue();
        await().atMost(Duration.ofSeconds(3)).until(() -> reader.current().term() == newLeader.term());
        assertThat(aTargets.publish(oldLeader, List.of(target(0)))).isFalse();
        reader.refresh();
        assertThat(reader.current()).isEqualTo(new ScalingTargets.Decided(newLeader.term(), List.of(target(3))));
    }

    @Test
    void aLeaderCutOffFromRedisStopsLeadingWithinTheRenewDeadline() {
        LeaderLease a = lease("cp-a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.state().leading());
        long stopped = System.nanoTime();
        redis.stop();
        await().atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> !a.state().leading());
        assertThat((System.nanoTime() - stopped) / 1_000_000)
                .isLessThanOrEqualTo(
                        LeaderLease.Settings.DEFAULT.renewDeadline().toMillis() + 100); // + the polling delay
        redis.start(); // the key survived (append-only file) and names it: it renews and leads again
        await().atMost(Duration.ofSeconds(5)).until(() -> a.state().leading());
    }

    @Test
    void aLeaderThatShutsDownHandsOverWithinARenewInterval() {
        LeaderLease a = lease("cp-a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.state().leading());
        LeaderLease b = lease("cp-b");
        await().atMost(Duration.ofSeconds(3)).until(() -> b.state().leaderId().equals("cp-a"));
        long closed = System.nanoTime();
        a.close();
        await().atMost(Duration.ofSeconds(2)).until(() -> b.state().leading());
        assertThat((System.nanoTime() - closed) / 1_000_000)
                .isLessThanOrEqualTo(
                        LeaderLease.Settings.DEFAULT.renewInterval().toMillis() + 300);
    }
}
