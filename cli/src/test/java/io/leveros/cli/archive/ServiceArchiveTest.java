package io.leveros.cli.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceArchiveTest {

    @Test
    void packsRelativePathsModesAndLinksButNotGit(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("lever.json"), "{}");
        Files.createDirectories(folder.resolve("target/classes/com"));
        Files.writeString(folder.resolve("target/classes/com/A.class"), "class");
        Files.writeString(folder.resolve("serve"), "#!/bin/sh");
        Files.setPosixFilePermissions(folder.resolve("serve"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(folder.resolve("link"), Path.of("serve"));
        Files.createDirectories(folder.resolve(".git"));
        Files.writeString(folder.resolve(".git/HEAD"), "ref");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ServiceArchive.Summary summary = ServiceArchive.pack(folder, out);

        Map<String, TarArchiveEntry> entries = new HashMap<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(out.toByteArray())))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                entries.put(entry.getName(), entry);
            }
        }
        assertThat(entries).containsKeys("lever.json", "target/", "target/classes/com/A.class", "serve", "link");
        assertThat(entries.keySet()).noneMatch(name -> name.startsWith(".git") || name.startsWith("/"));
        assertThat(entries.get("serve").getMode() & 0100).isNotZero();
        assertThat(entries.get("lever.json").getMode() & 0100).isZero();
        assertThat(entries.get("link").isSymbolicLink()).isTrue();
        assertThat(entries.get("link").getLinkName()).isEqualTo("serve");
        assertThat(summary.files()).isEqualTo(4);
    }
}
