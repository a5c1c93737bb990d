package io.leveros.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link MetadataStore} contract, run against every backend (one subclass each). {@link #open()}
 * opens a store on the same underlying data each time, so a second call is a reopen.
 */
abstract class MetadataStoreContract {

    abstract MetadataStore open();

    static VersionRecord version(String env, String service, long number) {
        return new VersionRecord(
                env,
                service,
                number,
                Instant.parse("2026-01-01T00:00:00Z"),
                "v" + number,
                new VersionEntry("com.example.Hello", null, null),
                false,
                10,
                0,
                0,
                256,
                null,
                null,
                new JsonMapper().readTree("{\"k\": [1, 2.5, \"x\"], \"empty\": {}}"),
                123,
                4,
                null,
                0,
                "ab".repeat(32),
                100,
                null,
                null);
    }

    static ErrorCode code(Throwable e) {
        return ((ControlPlaneException) e).code();
    }

    @Test
    void startsWithTheDefaultEnvironment() {
        try (MetadataStore store = open()) {
            assertThat(store.snapshot().environments())
                    .extracting(EnvironmentRecord::name)
                    .containsExactly("dev.lever");
            assertThat(store.snapshot().revision()).isEqualTo(1);
        }
    }

    @Test
    void keepsEverythingAcrossReopen() {
        try (MetadataStore store = open()) {
            store.createEnvironment("staging.lever");
            assertThat(store.reserveVersion("dev.lever", "helloService")).isEqualTo(1);
            store.commitVersion(version("dev.lever", "helloService", 1));
            assertThat(store.reserveVersion("dev.lever", "helloService")).isEqualTo(2);
            store.commitVersion(version("dev.lever", "helloService", 2));
            store.finishStart("dev.lever", "helloService", 2);
        }
        try (MetadataStore store = open()) {
            StoreSnapshot snapshot = store.snapshot();
            assertThat(snapshot.environments())
                    .extracting(EnvironmentRecord::name)
                    .containsExactly("dev.lever", "staging.lever");
            ServiceRecord service =
                    snapshot.service("dev.lever", "helloService").orElseThrow();
            assertThat(service.liveVersion()).isEqualTo(2);
            assertThat(service.nextVersion()).isEqualTo(3);
            assertThat(service.description()).isEqualTo("v2");
            assertThat(snapshot.versions("dev.lever", "helloService"))
                    .extracting(VersionRecord::version)
                    .containsExactly(2L, 1L);
            assertThat(snapshot.versions("dev.lever", "helloService").getFirst())
                    .isEqualTo(version("dev.lever", "helloService", 2));
            assertThat(snapshot.revision()).isEqualTo(7);
            assertThat(store.reserveVersion("dev.lever", "helloService")).isEqualTo(3);
        }
    }

    /** What a deploy does once the version's instances are ready. */
    static void deployLive(MetadataStore store, String environment, String service, long version) {
        store.commitVersion(version(environment, service, version));
        store.finishStart(environment, service, version);
    }

    @Test
    void theFirstVersionIsLiveAtOnceALaterOneOnlyOnceItsStartFinished() {
        try (MetadataStore store = open()) {
            store.reserveVersion("dev.lever", "svc");
            ServiceRecord first = store.commitVersion(version("dev.lever", "svc", 1));
            assertThat(first.liveVersion()).isEqualTo(1);
            assertThat(first.startingVersion()).isEqualTo(1);
            assertThat(first.replacing()).isFalse();
            assertThat(store.finishStart("dev.lever", "svc", 1).startingVersion())
                    .isZero();
            store.reserveVersion("dev.lever", "svc");
            ServiceRecord second = store.commitVersion(version("dev.lever", "svc", 2));
            assertThat(second.liveVersion()).isEqualTo(1);
            assertThat(second.startingVersion()).isEqualTo(2);
            assertThat(second.replacing()).isTrue();
            assertThat(second.description()).isEqualTo("v1");
            ServiceRecord live = store.finishStart("dev.lever", "svc", 2);
            assertThat(live.liveVersion()).isEqualTo(2);
            assertThat(live.startingVersion()).isZero();
            assertThat(live.description()).isEqualTo("v2");
        }
    }

    @Test
    void aVersionThatCannotStartIsRecordedAsFailedAndTheLiveOneStays() {
        try (MetadataStore store = open()) {
            deployLive(store, "dev.lever", "svc", 1);
            store.reserveVersion("dev.lever", "svc");
            store.commitVersion(version("dev.lever", "svc", 2));
            ServiceRecord failed = store.failStart("dev.lever", "svc", 2, "exited with code 1 before it was ready");
            assertThat(failed.liveVersion()).isEqualTo(1);
            assertThat(failed.startingVersion()).isZero();
            assertThat(failed.failedVersion()).isEqualTo(2);
            assertThat(failed.startFailure()).isEqualTo("exited with code 1 before it was ready");
            long revision = store.snapshot().revision();
            assertThat(store.finishStart("dev.lever", "svc", 2).liveVersion()).isEqualTo(1);
            assertThat(store.snapshot().revision()).isEqualTo(revision + 1);
        }
        try (MetadataStore store = open()) {
            ServiceRecord service = store.snapshot().service("dev.lever", "svc").orElseThrow();
            assertThat(service.failedVersion()).isEqualTo(2);
            assertThat(service.startFailure()).isEqualTo("exited with code 1 before it was ready");
        }
    }

    @Test
    void aLaterDeployReplacesTheStartingVersionWhoseEndThenChangesNothing() {
        try (MetadataStore store = open()) {
            deployLive(store, "dev.lever", "svc", 1);
            store.reserveVersion("dev.lever", "svc");
            store.commitVersion(version("dev.lever", "svc", 2));
            store.reserveVersion("dev.lever", "svc");
            assertThat(store.commitVersion(version("dev.lever", "svc", 3)).startingVersion())
                    .isEqualTo(3);
            assertThat(store.finishStart("dev.lever", "svc", 2).liveVersion()).isEqualTo(1);
            assertThat(store.failStart("dev.lever", "svc", 2, "late").failedVersion())
                    .isZero();
            assertThat(store.startVersion("dev.lever", "svc", 1).startingVersion())
                    .as("naming the live version cancels the start")
                    .isZero();
        }
    }

    @Test
    void aTrafficSplitMakesTheLargestShareLiveIsKeptAcrossReopenAndEndsWithTheNextVersionLive() {
        try (MetadataStore store = open()) {
            for (long v = 1; v <= 3; v++) {
                store.reserveVersion("dev.lever", "svc");
                deployLive(store, "dev.lever", "svc", v);
            }
            ServiceRecord split =
                    store.splitTraffic("dev.lever", "svc", List.of(new TrafficShare(2, 90), new TrafficShare(3, 10)));
            assertThat(split.liveVersion()).isEqualTo(2);
            assertThat(split.description()).isEqualTo("v2");
            assertThat(store.dropOldVersions("dev.lever", "svc", 1))
                    .extracting(VersionRecord::version)
                    .containsExactly(1L);
        }
        try (MetadataStore store = open()) {
            assertThat(store.snapshot()
                            .service("dev.lever", "svc")
                            .orElseThrow()
                            .traffic())
                    .containsExactly(new TrafficShare(2, 90), new TrafficShare(3, 10));
            store.reserveVersion("dev.lever", "svc");
            store.commitVersion(version("dev.lever", "svc", 4));
            assertThat(store.snapshot()
                            .service("dev.lever", "svc")
                            .orElseThrow()
                            .traffic())
                    .as("the split serves on while v4 starts")
                    .hasSize(2);
            ServiceRecord live = store.finishStart("dev.lever", "svc", 4);
            assertThat(live.traffic()).isEmpty();
            assertThat(live.liveVersion()).isEqualTo(4);
        }
    }

    @Test
    void aBadTrafficSplitChangesNothingAndSaysWhatWasWrong() {
        try (MetadataStore store = open()) {
            for (long v = 1; v <= 2; v++) {
                store.reserveVersion("dev.lever", "svc");
                deployLive(store, "dev.lever", "svc", v);
            }
            long revision = store.snapshot().revision();
            assertThatThrownBy(() -> store.splitTraffic(
                            "dev.lever", "svc", List.of(new TrafficShare(1, 50), new TrafficShare(2, 40))))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INVALID_TRAFFIC_SPLIT))
                    .hasMessage("invalid traffic split: the shares add up to 90% (expected 100)");
            assertThatThrownBy(() -> store.splitTraffic(
                            "dev.lever", "svc", List.of(new TrafficShare(1, 100), new TrafficShare(2, 0))))
                    .hasMessage("invalid traffic split: v1 has 100% (expected 1 to 99)");
            assertThatThrownBy(() -> store.splitTraffic(
                            "dev.lever", "svc", List.of(new TrafficShare(2, 50), new TrafficShare(2, 50))))
                    .hasMessage("invalid traffic split: v2 is named twice");
            assertThatThrownBy(() -> store.splitTraffic("dev.lever", "svc", List.of(new TrafficShare(2, 100))))
                    .hasMessageStartingWith("invalid traffic split: name 2 to 4 versions (found 1)");
            assertThatThrownBy(() -> store.splitTraffic(
                            "dev.lever", "svc", List.of(new TrafficShare(1, 50), new TrafficShare(9, 50))))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.VERSION_NOT_FOUND));
            assertThat(store.snapshot().revision()).isEqualTo(revision);
            store.splitTraffic("dev.lever", "svc", List.of(new TrafficShare(1, 50), new TrafficShare(2, 50)));
            assertThat(store.snapshot()
                            .service("dev.lever", "svc")
                            .orElseThrow()
                            .liveVersion())
                    .as("the newest of equal shares")
                    .isEqualTo(2);
            assertThat(store.splitTraffic("dev.lever", "svc", List.of()).traffic())
                    .isEmpty();
        }
    }

    @Test
    void aKeptVersionGoesLiveAgainAndStaysSoAcrossReopenUntilTheNextDeploy() {
        try (MetadataStore store = open()) {
            for (long v = 1; v <= 3; v++) {
                store.reserveVersion("dev.lever", "svc");
                deployLive(store, "dev.lever", "svc", v);
            }
            assertThat(store.startVersion("dev.lever", "svc", 1).startingVersion())
                    .isEqualTo(1);
            assertThat(store.finishStart("dev.lever", "svc", 1).liveVersion()).isEqualTo(1);
        }
        try (MetadataStore store = open()) {
            ServiceRecord service = store.snapshot().service("dev.lever", "svc").orElseThrow();
            assertThat(service.liveVersion()).isEqualTo(1);
            assertThat(service.description()).isEqualTo("v1");
            assertThat(store.reserveVersion("dev.lever", "svc")).isEqualTo(4);
            assertThat(store.commitVersion(version("dev.lever", "svc", 4)).startingVersion())
                    .isEqualTo(4);
        }
    }

    @Test
    void makingAVersionLiveThatIsNotKeptChangesNothingAndSaysWhatIsKept() {
        try (MetadataStore store = open()) {
            store.reserveVersion("dev.lever", "svc");
            store.commitVersion(version("dev.lever", "svc", 1));
            long revision = store.snapshot().revision();
            assertThatThrownBy(() -> store.startVersion("dev.lever", "svc", 7))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.VERSION_NOT_FOUND))
                    .hasMessage("version 7 of svc is not kept (kept: [1])");
            assertThatThrownBy(() -> store.startVersion("dev.lever", "nothing", 1))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.SERVICE_NOT_FOUND));
            assertThat(store.snapshot().revision()).isEqualTo(revision);
        }
    }

    @Test
    void oldVersionsBeyondTheKeptNumberAreForgottenButNeverTheLiveOne() {
        try (MetadataStore store = open()) {
            for (long v = 1; v <= 5; v++) {
                store.reserveVersion("dev.lever", "svc");
                deployLive(store, "dev.lever", "svc", v);
            }
            store.startVersion("dev.lever", "svc", 1);
            store.finishStart("dev.lever", "svc", 1);
            assertThat(store.dropOldVersions("dev.lever", "svc", 2))
                    .extracting(VersionRecord::version)
                    .containsExactlyInAnyOrder(2L, 3L);
        }
        try (MetadataStore store = open()) {
            assertThat(store.snapshot().versions("dev.lever", "svc"))
                    .extracting(VersionRecord::version)
                    .containsExactlyInAnyOrder(1L, 4L, 5L);
            assertThat(store.dropOldVersions("dev.lever", "svc", 2)).isEmpty();
        }
    }

    @Test
    void reservedButUncommittedServicesStayInvisible() {
        try (MetadataStore store = open()) {
            store.reserveVersion("dev.lever", "halfDeployed");
            assertThat(store.snapshot().services("dev.lever")).isEmpty();
            assertThat(store.snapshot().service("dev.lever", "halfDeployed")).isEmpty();
            assertThat(store.reserveVersion("dev.lever", "halfDeployed")).isEqualTo(2);
        }
    }

    @Test
    void concurrentReservationsGetDistinctNumbersAndNoneIsReused() throws Exception {
        try (MetadataStore store = open();
                ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Long>> numbers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                numbers.add(pool.submit(() -> store.reserveVersion("dev.lever", "svc")));
            }
            Set<Long> distinct = ConcurrentHashMap.newKeySet();
            for (Future<Long> number : numbers) {
                distinct.add(number.get());
            }
            assertThat(distinct).hasSize(40).allMatch(n -> n >= 1 && n <= 40);
        }
        try (MetadataStore store = open()) {
            assertThat(store.reserveVersion("dev.lever", "svc")).isEqualTo(41);
        }
    }

    @Test
    void concurrentDeploysKeepEveryVersionAndStartTheHighest() throws Exception {
        try (MetadataStore store = open();
                ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Long>> deployed = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                deployed.add(pool.submit(() -> {
                    long number = store.reserveVersion("dev.lever", "svc");
                    store.commitVersion(version("dev.lever", "svc", number));
                    return number;
                }));
            }
            for (Future<Long> number : deployed) {
                number.get();
            }
            assertThat(store.snapshot().versions("dev.lever", "svc")).hasSize(20);
            assertThat(store.snapshot()
                            .service("dev.lever", "svc")
                            .orElseThrow()
                            .startingVersion())
                    .isEqualTo(20);
        }
    }

    @Test
    void aLowerVersionCommittedLateDoesNotReplaceAHigherLiveOne() {
        try (MetadataStore store = open()) {
            store.reserveVersion("dev.lever", "svc");
            store.reserveVersion("dev.lever", "svc");
            store.commitVersion(version("dev.lever", "svc", 2));
            ServiceRecord after = store.commitVersion(version("dev.lever", "svc", 1));
            assertThat(after.liveVersion()).isEqualTo(2);
            assertThat(after.description()).isEqualTo("v2");
            assertThat(store.snapshot().versions("dev.lever", "svc"))
                    .extracting(VersionRecord::version)
                    .containsExactly(2L, 1L);
        }
    }

    @Test
    void environmentRules() {
        try (MetadataStore store = open()) {
            assertThatThrownBy(() -> store.createEnvironment("dev.lever"))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.ENVIRONMENT_EXISTS));
            assertThatThrownBy(() -> store.deleteEnvironment("dev.lever", false))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.DEFAULT_ENVIRONMENT));
            assertThatThrownBy(() -> store.deleteEnvironment("nope.lever", false))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.ENVIRONMENT_NOT_FOUND));
            assertThatThrownBy(() -> store.reserveVersion("nope.lever", "svc"))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.ENVIRONMENT_NOT_FOUND));
            assertThatThrownBy(() -> store.commitVersion(version("nope.lever", "svc", 1)))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.ENVIRONMENT_NOT_FOUND));

            store.createEnvironment("staging.lever");
            store.reserveVersion("staging.lever", "svc");
            store.commitVersion(version("staging.lever", "svc", 1));
            assertThatThrownBy(() -> store.deleteEnvironment("staging.lever", false))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.ENVIRONMENT_NOT_EMPTY))
                    .hasMessageContaining("[svc]");

            store.createEnvironment("doomed.lever");
            store.reserveVersion("doomed.lever", "svc");
            store.commitVersion(version("doomed.lever", "svc", 1));
            store.deleteEnvironment("doomed.lever", true);
            assertThat(store.snapshot().environment("doomed.lever")).isEmpty();
            assertThat(store.snapshot().allServices("doomed.lever")).isEmpty();

            store.createEnvironment("empty.lever");
            store.reserveVersion("empty.lever", "neverCommitted");
            store.deleteEnvironment("empty.lever", false);
            assertThat(store.snapshot().environment("empty.lever")).isEmpty();
            assertThat(store.snapshot().allServices("empty.lever")).isEmpty();
        }
        try (MetadataStore store = open()) {
            assertThat(store.snapshot().environment("empty.lever")).isEmpty();
            assertThat(store.snapshot().environment("staging.lever")).isPresent();
        }
    }

    @Test
    void everyWriteGrowsTheRevisionAndIsAnnouncedWithItsSnapshot() {
        try (MetadataStore store = open()) {
            List<Long> seen = new CopyOnWriteArrayList<>();
            store.addChangeListener(snapshot -> seen.add(snapshot.revision()));
            store.createEnvironment("staging.lever");
            store.reserveVersion("staging.lever", "svc");
            store.commitVersion(version("staging.lever", "svc", 1));
            store.createEnvironment("other.lever");
            store.deleteEnvironment("other.lever", false);
            assertThat(seen).containsExactly(2L, 3L, 4L, 5L, 6L);
            assertThat(store.snapshot().revision()).isEqualTo(6);
        }
    }

    @Test
    void aRefusedWriteChangesNothing() {
        try (MetadataStore store = open()) {
            StoreSnapshot before = store.snapshot();
            assertThatThrownBy(() -> store.createEnvironment("dev.lever")).isInstanceOf(ControlPlaneException.class);
            assertThat(store.snapshot()).isSameAs(before);
        }
        try (MetadataStore store = open()) {
            assertThat(store.snapshot().revision()).isEqualTo(1);
        }
    }
}
