package io.leveros.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class FileMetadataStoreTest {
    @TempDir
    Path dir;

    FileMetadataStore open() {
        return FileMetadataStore.open(dir, Clock.systemUTC());
    }

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
                new JsonMapper().readTree("{\"k\": [1, 2.5, \"x\"]}"),
                123,
                4,
                null,
                0,
                "ab".repeat(32),
                100);
    }

    @Test
    void startsWithTheDefaultEnvironment() {
        try (FileMetadataStore store = open()) {
            assertThat(store.snapshot().environments())
                    .extracting(EnvironmentRecord::name)
                    .containsExactly("dev.lever");
            assertThat(store.snapshot().revision()).isEqualTo(1);
        }
    }

    @Test
    void keepsEverythingAcrossReopen() {
        try (FileMetadataStore store = open()) {
            store.createEnvironment("staging.lever");
            assertThat(store.reserveVersion("dev.lever", "helloService")).isEqualTo(1);
            store.commitVersion(version("dev.lever", "helloService", 1));
            assertThat(store.reserveVersion("dev.lever", "helloService")).isEqualTo(2);
            store.commitVersion(version("dev.lever", "helloService", 2));
        }
        try (FileMetadataStore store = open()) {
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
            assertThat(snapshot.revision()).isEqualTo(6);
            assertThat(store.reserveVersion("dev.lever", "helloService")).isEqualTo(3);
        }
    }

    @Test
    void ignoresATornTemporaryFileOnOpen() throws IOException {
        try (FileMetadataStore store = open()) {
            store.createEnvironment("staging.lever");
        }
        Path torn = dir.resolve(FileMetadataStore.STATE_FILE + ".tmp-crashed");
        Files.writeString(torn, "{\"format\": 1, \"revision\": 99, \"environ");
        try (FileMetadataStore store = open()) {
            assertThat(store.snapshot().environment("staging.lever")).isPresent();
            assertThat(store.snapshot().revision()).isEqualTo(2);
        }
        assertThat(torn).doesNotExist();
    }

    @Test
    void loadsVersionsStoredBeforeTheResourceSettingsWithTheirDefaults() throws IOException {
        Files.writeString(dir.resolve(FileMetadataStore.STATE_FILE), """
                {"format": 1, "revision": 3,
                 "environments": [{"name": "dev.lever", "createdAt": "2026-01-01T00:00:00Z"}],
                 "services": [{"environment": "dev.lever", "name": "old", "description": "", "private": false,
                   "liveVersion": 1, "nextVersion": 2,
                   "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}],
                 "versions": [{"environment": "dev.lever", "service": "old", "version": 1,
                   "deployedAt": "2026-01-01T00:00:00Z", "description": "", "entry": {"javaEntry": "Old"},
                   "private": false, "maxInstanceLoad": 10, "minInstances": 0, "maxInstances": 0, "ramMb": 256,
                   "idleTimeoutMs": null, "config": {}, "archiveBytes": 1, "files": 1, "codeDir": "/code/1"}]}
                """);
        try (FileMetadataStore store = open()) {
            VersionRecord old = store.snapshot().versions("dev.lever", "old").getFirst();
            assertThat(old.resourceIdleTimeoutMs()).isNull();
            assertThat(old.maxResourcesPerInstance()).isZero();
            assertThat(old.codeSha256()).isNull();
            assertThat(old.codeBytes()).isZero();
            store.reserveVersion("dev.lever", "old");
            VersionRecord v2 = version("dev.lever", "old", 2);
            store.commitVersion(new VersionRecord(
                    v2.environment(),
                    v2.service(),
                    v2.version(),
                    v2.deployedAt(),
                    v2.description(),
                    v2.entry(),
                    v2.isPrivate(),
                    v2.maxInstanceLoad(),
                    v2.minInstances(),
                    v2.maxInstances(),
                    v2.ramMb(),
                    v2.idleTimeoutMs(),
                    v2.scaleDownDelayMs(),
                    v2.config(),
                    v2.archiveBytes(),
                    v2.files(),
                    60_000L,
                    8,
                    "ab".repeat(32),
                    100));
        }
        try (FileMetadataStore store = open()) {
            VersionRecord v2 = store.snapshot().versions("dev.lever", "old").getFirst();
            assertThat(v2.version()).isEqualTo(2);
            assertThat(v2.resourceIdleTimeoutMs()).isEqualTo(60_000L);
            assertThat(v2.maxResourcesPerInstance()).isEqualTo(8);
            assertThat(v2.codeSha256()).isEqualTo("ab".repeat(32));
            assertThat(v2.codeBytes()).isEqualTo(100);
        }
    }

    @Test
    void refusesToStartOnADamagedStateFile() throws IOException {
        Files.writeString(dir.resolve(FileMetadataStore.STATE_FILE), "{not json");
        assertThatThrownBy(this::open)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("state.json is not readable JSON")
                .hasMessageContaining("move it away");
    }

    @Test
    void reservedButUncommittedServicesStayInvisible() {
        try (FileMetadataStore store = open()) {
            store.reserveVersion("dev.lever", "halfDeployed");
            assertThat(store.snapshot().services("dev.lever")).isEmpty();
            assertThat(store.snapshot().service("dev.lever", "halfDeployed")).isEmpty();
        }
    }

    @Test
    void concurrentReservationsGetDistinctNumbers() throws Exception {
        try (FileMetadataStore store = open();
                ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Long>> numbers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                numbers.add(pool.submit(() -> store.reserveVersion("dev.lever", "svc")));
            }
            Set<Long> distinct = ConcurrentHashMap.newKeySet();
            for (Future<Long> number : numbers) {
                distinct.add(number.get());
            }
            assertThat(distinct).hasSize(20).allMatch(n -> n >= 1 && n <= 20);
        }
    }

    @Test
    void aLowerVersionCommittedLateDoesNotReplaceAHigherLiveOne() {
        try (FileMetadataStore store = open()) {
            store.reserveVersion("dev.lever", "svc");
            store.reserveVersion("dev.lever", "svc");
            store.commitVersion(version("dev.lever", "svc", 2));
            ServiceRecord after = store.commitVersion(version("dev.lever", "svc", 1));
            assertThat(after.liveVersion()).isEqualTo(2);
            assertThat(after.description()).isEqualTo("v2");
        }
    }

    @Test
    void environmentRules() {
        try (FileMetadataStore store = open()) {
            assertThatThrownBy(() -> store.createEnvironment("dev.lever"))
                    .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.ENVIRONMENT_EXISTS));
            assertThatThrownBy(() -> store.deleteEnvironment("dev.lever"))
                    .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.DEFAULT_ENVIRONMENT));
            assertThatThrownBy(() -> store.deleteEnvironment("nope.lever"))
                    .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.ENVIRONMENT_NOT_FOUND));
            assertThatThrownBy(() -> store.reserveVersion("nope.lever", "svc"))
                    .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.ENVIRONMENT_NOT_FOUND));

            store.createEnvironment("staging.lever");
            store.reserveVersion("staging.lever", "svc");
            store.commitVersion(version("staging.lever", "svc", 1));
            assertThatThrownBy(() -> store.deleteEnvironment("staging.lever"))
                    .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.code())
                            .isEqualTo(ErrorCode.ENVIRONMENT_NOT_EMPTY))
                    .hasMessageContaining("[svc]");

            store.createEnvironment("empty.lever");
            store.reserveVersion("empty.lever", "neverCommitted");
            store.deleteEnvironment("empty.lever");
            assertThat(store.snapshot().environment("empty.lever")).isEmpty();
        }
    }

    @Test
    void announcesEveryChangeWithItsSnapshot() {
        try (FileMetadataStore store = open()) {
            AtomicLong seen = new AtomicLong();
            store.addChangeListener(snapshot -> seen.set(snapshot.revision()));
            store.createEnvironment("staging.lever");
            assertThat(seen.get()).isEqualTo(store.snapshot().revision()).isEqualTo(2);
        }
    }

    @Test
    void aRefusedWriteChangesNothing() {
        try (FileMetadataStore store = open()) {
            StoreSnapshot before = store.snapshot();
            assertThatThrownBy(() -> store.createEnvironment("dev.lever")).isInstanceOf(ControlPlaneException.class);
            assertThat(store.snapshot()).isSameAs(before);
        }
    }
}
