package io.leveros.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract, plus what only the file backend has: its file on disk. */
class FileMetadataStoreTest extends MetadataStoreContract {
    @TempDir
    Path dir;

    @Override
    FileMetadataStore open() {
        return FileMetadataStore.open(dir, Clock.systemUTC());
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
                    100,
                    null,
                    null));
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
}
