package io.leveros.controlplane.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.store.FileMetadataStore;
import io.leveros.controlplane.store.VersionEntry;
import io.leveros.controlplane.store.VersionRecord;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.InstanceState;
import io.leveros.proto.control.ResourceActivity;
import io.leveros.proto.control.ServingVersion;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The binding authority on a real store and node registry, with the nodes' reports made up. */
class ResourceBindingsTest {
    private static final BindingKey KEY = new BindingKey("dev.lever", "chat", 1, "room/42");

    @TempDir
    Path dir;

    private FileMetadataStore store;
    private final NodeRegistry nodes = new NodeRegistry(Duration.ofSeconds(6));
    private ResourceBindings bindings;

    @BeforeEach
    void deploy() {
        store = FileMetadataStore.open(dir, Clock.systemUTC());
        store.reserveVersion("dev.lever", "chat");
        store.commitVersion(new VersionRecord(
                "dev.lever",
                "chat",
                1,
                Instant.now(),
                "",
                new VersionEntry("Chat", null, null),
                false,
                10,
                0,
                0,
                256,
                null,
                null,
                new JsonMapper().readTree("{}"),
                1,
                1,
                null,
                2,
                "ab".repeat(32),
                100,
                null,
                null));
        bindings = started(Clock.systemUTC(), Duration.ZERO);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private ResourceBindings started(Clock clock, Duration hold) {
        return new ResourceBindings(store, nodes, clock, System::nanoTime, hold);
    }

    /** A node's report: {@code bound[i]} resources on its ready instance {@code i}. */
    private void report(String node, int... bound) {
        ServingVersion.Builder serving = ServingVersion.newBuilder()
                .setEnvironment("dev.lever")
                .setService("chat")
                .setVersion(1)
                .setReadyInstances(bound.length);
        for (int i = 0; i < bound.length; i++) {
            serving.setBoundResources(serving.getBoundResources() + bound[i]);
            serving.addInstances(InstanceState.newBuilder()
                    .setInstanceId(node + "-" + i)
                    .setState("ready")
                    .setBoundResources(bound[i]));
        }
        nodes.report(InstanceReport.newBuilder()
                .setNodeId(node)
                .setForwardingAddress(node + ":3500")
                .addServing(serving)
                .build());
    }

    private Binding bind(String node, BindingKey key, boolean canHost) {
        CompletableFuture<Binding> bound = bindings.bind(node, key, canHost);
        assertThat(bound).as("no hold").isDone();
        return bound.join();
    }

    private static BindingKey resource(String name) {
        return new BindingKey("dev.lever", "chat", 1, name);
    }

    @Test
    void theFirstBinderThatCanHostWinsAndLaterBindersGetTheSameBinding() {
        report("a", 0);
        report("b", 0);
        Binding first = bind("a", KEY, true);
        assertThat(first.nodeId()).isEqualTo("a");
        assertThat(first.forwardingAddress()).isEqualTo("a:3500");
        assertThat(first.instanceId()).isNull();

        assertThat(bind("b", KEY, true)).as("b could host, but a holds it").isEqualTo(first);
        assertThat(bind("a", KEY, false))
                .as("the owner asking again gets its own binding")
                .isEqualTo(first);
        assertThat(bindings.bindings("dev.lever", "chat")).containsExactly(first);
    }

    @Test
    void aNodeThatCannotHostBindsToTheReportingNodeWithMostRoomElseToItself() {
        report("a", 0); // maxResourcesPerInstance 2: room for 2
        report("b", 0, 0); // room for 4
        List<String> owners = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            owners.add(bind("asking", resource("r" + i), false).nodeId());
        }
        assertThat(owners)
                .as("most room first, counting what was granted since the reports; the asking node once full")
                .containsExactly("b", "b", "a", "b", "a", "b", "asking");
        assertThat(bindings.bindings("dev.lever", "chat").getLast().forwardingAddress())
                .as("the asking node has not reported")
                .isEmpty();

        Binding r3 = bindings.bindings("dev.lever", "chat").get(2);
        assertThat(bindings.release("a", r3.key(), r3.epoch())).isTrue();
        report("a", 1);
        report("b", 2, 1); // behind what was granted: b holds 4 by the control plane's count
        assertThat(bind("asking", resource("r8"), false).nodeId()).isEqualTo("a");
        report("a", 2);
        report("b", 2, 2);
        assertThat(bind("asking", resource("r9"), false).nodeId()).isEqualTo("asking");
    }

    @Test
    void onlyTheOwnerWithTheBindingsEpochReleasesIt() {
        report("a", 0);
        report("b", 0);
        Binding binding = bind("a", KEY, true);
        assertThat(bindings.release("b", KEY, binding.epoch()))
                .as("another node")
                .isFalse();
        assertThat(bindings.release("a", KEY, binding.epoch() - 1))
                .as("another epoch")
                .isFalse();
        assertThat(bindings.bindings("dev.lever", "chat")).containsExactly(binding);

        assertThat(bindings.release("a", KEY, binding.epoch())).isTrue();
        assertThat(bindings.release("a", KEY, binding.epoch()))
                .as("already gone")
                .isFalse();
        assertThat(bindings.bindings("dev.lever", "chat")).isEmpty();
        Binding next = bind("b", KEY, true);
        assertThat(next.nodeId()).isEqualTo("b");
        assertThat(next.epoch()).isGreaterThan(binding.epoch());
    }

    @Test
    void aNodeThatStopsReportingLosesItsBindings() {
        report("a", 0);
        Binding binding = bind("a", KEY, true);
        bind("a", resource("other"), true);
        nodes.forget("a");
        assertThat(bindings.bindings("dev.lever", "chat"))
                .as("a closed routes stream is no expiry")
                .hasSize(2);

        nodes.expire(System.nanoTime() + Duration.ofSeconds(7).toNanos());
        assertThat(bindings.bindings("dev.lever", "chat")).isEmpty();
        report("b", 0);
        Binding moved = bind("b", KEY, true);
        assertThat(moved.nodeId()).isEqualTo("b");
        assertThat(moved.epoch()).isGreaterThan(binding.epoch());
    }

    @Test
    void fiftySimultaneousFirstCallsOnTwoNodesMakeOneBinding() throws Exception {
        report("a", 0);
        report("b", 0);
        ExecutorService threads = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Binding>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String node = i % 2 == 0 ? "a" : "b";
            results.add(threads.submit(() -> {
                start.await();
                return bindings.bind(node, KEY, true).join();
            }));
        }
        start.countDown();
        Set<Binding> seen = new HashSet<>();
        for (Future<Binding> result : results) {
            seen.add(result.get());
        }
        threads.shutdown();
        assertThat(seen).hasSize(1);
        assertThat(bindings.bindings("dev.lever", "chat")).containsExactlyElementsOf(seen);
    }

    @Test
    void epochsGrowWithEveryBindingAndAcrossRestarts() {
        report("a", 0);
        long startMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        ResourceBindings before = started(Clock.systemUTC(), Duration.ZERO);
        long last = 0;
        for (int i = 0; i < 100; i++) {
            long epoch = before.bind("a", resource("r" + i), true).join().epoch();
            assertThat(epoch).isGreaterThan(last).isGreaterThan(startMicros);
            last = epoch;
        }
        ResourceBindings restarted = started(Clock.offset(Clock.systemUTC(), Duration.ofMillis(10)), Duration.ZERO);
        assertThat(restarted.bind("a", KEY, true).join().epoch()).isGreaterThan(last);
        assertThat(restarted.controlPlaneId())
                .isNotEqualTo(before.controlPlaneId())
                .hasSize(32);
    }

    @Test
    void aFreshControlPlaneGrantsNoBindingForTheHoldThenGrantsThem() {
        report("a", 0);
        long started = System.nanoTime();
        ResourceBindings fresh = started(Clock.systemUTC(), Duration.ofMillis(300));
        CompletableFuture<Binding> waiting = fresh.bind("a", KEY, true);
        assertThat(waiting).isNotDone();
        assertThat(fresh.bindings("dev.lever", "chat")).isEmpty();

        Binding granted = await().atMost(Duration.ofSeconds(5)).until(waiting::join, b -> b != null);
        assertThat(System.nanoTime() - started)
                .isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
        assertThat(granted.nodeId()).isEqualTo("a");
        assertThat(fresh.bind("b", KEY, true)).as("after the hold: at once").isCompletedWithValue(granted);
    }

    @Test
    void theOwnersReportedActivityUnderItsEpochFillsInInstanceAndLastCall() {
        report("a", 0);
        Binding binding = bind("a", KEY, true);
        activity("b", binding.epoch(), 1_000); // not the owner
        activity("a", binding.epoch() + 1, 2_000); // another epoch
        assertThat(bindings.bindings("dev.lever", "chat").getFirst().lastCall()).isNull();

        activity("a", binding.epoch(), 5_000);
        activity("a", binding.epoch(), 4_000); // a late, older report keeps the newer call
        Binding reported = bindings.bindings("dev.lever", "chat").getFirst();
        assertThat(reported.instanceId()).isEqualTo("a-0");
        assertThat(reported.lastCall()).isEqualTo(Instant.ofEpochMilli(5_000));
        assertThat(reported.epoch()).isEqualTo(binding.epoch());
    }

    private void activity(String node, long epoch, long lastCallMs) {
        bindings.reported(InstanceReport.newBuilder()
                .setNodeId(node)
                .addServing(ServingVersion.newBuilder()
                        .setEnvironment("dev.lever")
                        .setService("chat")
                        .setVersion(1)
                        .addResourceActivity(ResourceActivity.newBuilder()
                                .setResource(KEY.resource())
                                .setInstanceId(node + "-0")
                                .setEpoch(epoch)
                                .setLastCallUnixMs(lastCallMs)))
                .build());
    }

    @Test
    void roomCountsReadyInstancesUnderTheCap() {
        ServingVersion twoInstances = ServingVersion.newBuilder()
                .setReadyInstances(2)
                .setBoundResources(5)
                .addInstances(InstanceState.newBuilder().setState("ready").setBoundResources(4))
                .addInstances(InstanceState.newBuilder().setState("ready").setBoundResources(1))
                .addInstances(InstanceState.newBuilder().setState("draining").setBoundResources(0))
                .build();
        assertThat(ResourceBindings.room(twoInstances, 3))
                .as("over the cap on one counts as none")
                .isEqualTo(2);
        ServingVersion totalsOnly = ServingVersion.newBuilder()
                .setReadyInstances(2)
                .setBoundResources(5)
                .build();
        assertThat(ResourceBindings.room(totalsOnly, 3)).isEqualTo(1);
        assertThat(ResourceBindings.room(totalsOnly, 0)).as("no cap").isGreaterThan(1_000_000);
    }
}
