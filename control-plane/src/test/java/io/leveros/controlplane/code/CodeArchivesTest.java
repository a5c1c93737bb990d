package io.leveros.controlplane.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.controlplane.store.FileMetadataStore;
import io.leveros.controlplane.store.VersionRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeArchivesTest {
    @TempDir
    Path dir;

    private Path service(Path folder) throws IOException {
        Files.createDirectories(folder.resolve("bin"));
        Files.writeString(folder.resolve("lever.json"), "{\"name\": \"old\", \"entry\": [\"bin/serve\"]}");
        Files.writeString(folder.resolve("bin/serve"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(folder.resolve("bin/serve"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(folder.resolve("serve"), Path.of("bin/serve"));
        return folder;
    }

    @Test
    void theSameFolderPacksIntoTheSameBytes() throws IOException {
        Path a = service(dir.resolve("a"));
        Path b = service(dir.resolve("b"));
        Files.setLastModifiedTime(b.resolve("lever.json"), FileTime.fromMillis(12345));

        PackedCode first = CodePacker.pack(a, dir.resolve("a.tar.gz"));
        PackedCode second = CodePacker.pack(b, dir.resolve("b.tar.gz"));

        assertThat(second).isEqualTo(first);
        assertThat(dir.resolve("a.tar.gz")).hasSize(first.bytes());
        assertThat(entries(dir.resolve("a.tar.gz")))
                .containsExactly("bin/ 40755", "bin/serve 100755", "lever.json 100644", "serve -> bin/serve");
    }

    @Test
    void aVersionRecordedBeforeCodeDistributionIsPackedAtStart() throws IOException {
        CodeArchives archives = new CodeArchives(dir.resolve("code"));
        service(archives.folder("dev.lever", "old", 1));
        Files.writeString(dir.resolve("code/dev.lever/old/.tmp-1.tar.gz-crashed"), "half an archive");
        Files.createDirectories(dir.resolve("store"));
        Files.writeString(dir.resolve("store/state.json"), """
                {"format": 1, "revision": 3,
                 "environments": [{"name": "dev.lever", "createdAt": "2026-01-01T00:00:00Z"}],
                 "services": [{"environment": "dev.lever", "name": "old", "description": "", "private": false,
                   "liveVersion": 1, "nextVersion": 2,
                   "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}],
                 "versions": [{"environment": "dev.lever", "service": "old", "version": 1,
                   "deployedAt": "2026-01-01T00:00:00Z", "description": "", "entry": {"entry": ["bin/serve"]},
                   "private": false, "maxInstanceLoad": 10, "minInstances": 0, "maxInstances": 0, "ramMb": 256,
                   "idleTimeoutMs": null, "config": {}, "archiveBytes": 1, "files": 1,
                   "codeDir": "/old/data/code/dev.lever/old/1"}]}
                """);
        try (FileMetadataStore store = FileMetadataStore.open(dir.resolve("store"), Clock.systemUTC())) {
            archives.packUnpacked(store);

            VersionRecord packed =
                    store.snapshot().version("dev.lever", "old", 1).orElseThrow();
            assertThat(packed.codeSha256()).hasSize(64);
            assertThat(archives.archive("dev.lever", "old", 1)).hasSize(packed.codeBytes());
            assertThat(store.snapshot()
                            .service("dev.lever", "old")
                            .orElseThrow()
                            .liveVersion())
                    .isEqualTo(1);
            assertThat(dir.resolve("code/dev.lever/old/.tmp-1.tar.gz-crashed")).doesNotExist();
        }
        try (FileMetadataStore reopened = FileMetadataStore.open(dir.resolve("store"), Clock.systemUTC())) {
            assertThat(reopened.snapshot()
                            .version("dev.lever", "old", 1)
                            .orElseThrow()
                            .codeSha256())
                    .as("recorded, not packed again at every start")
                    .hasSize(64);
        }
    }

    static List<String> entries(Path archive) throws IOException {
        List<String> entries = new ArrayList<>();
        try (InputStream in = Files.newInputStream(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                assertThat(entry.getModTime().getTime()).isZero();
                assertThat(entry.getLongUserId()).isZero();
                entries.add(entry.getName()
                        + (entry.isSymbolicLink()
                                ? " -> " + entry.getLinkName()
                                : " " + Integer.toOctalString(entry.getMode())));
            }
        }
        return entries;
    }
}
