package io.leveros.controlplane.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.testing.TarGz;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArchiveExtractorTest {
    private static final String LEVER_JSON = "{\"name\": \"helloService\", \"javaEntry\": \"com.example.Hello\"}";

    @TempDir
    Path sandbox;

    /** Where extractions go, as {@code <data-dir>/code} would be. */
    Path codeDir;
    /** A sibling of {@code codeDir} that an escaping entry would reach. */
    Path outside;

    Path target;
    ArchiveExtractor extractor = new ArchiveExtractor(new ArchiveLimits(1024 * 1024, 1024 * 1024, 100));

    @BeforeEach
    void setUp() throws IOException {
        codeDir = Files.createDirectories(sandbox.resolve("data/code"));
        outside = Files.createDirectories(sandbox.resolve("data/outside"));
        Files.writeString(outside.resolve("secret"), "keep me");
        target = codeDir.resolve(".tmp-test");
    }

    @Test
    void extractsFilesFoldersAndLinksInside() throws IOException {
        byte[] archive = TarGz.create()
                .dir("bin")
                .file("lever.json", LEVER_JSON)
                .file("bin/serve", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755)
                .file("lib/deep/a.txt", "a")
                .symlink("current", "lib/deep")
                .symlink("lib/deep/self", "a.txt")
                .hardlink("lib/b.txt", "lib/deep/a.txt")
                .build();

        ExtractedArchive extracted = extractor.extract(new ByteArrayInputStream(archive), target);

        assertThat(extracted.serviceDir()).isEqualTo(target.toRealPath());
        assertThat(extracted.leverJson()).asString(StandardCharsets.UTF_8).isEqualTo(LEVER_JSON);
        assertThat(extracted.archiveBytes()).isEqualTo(archive.length);
        assertThat(extracted.files()).isEqualTo(6);
        assertThat(extracted.extractedBytes()).isEqualTo(LEVER_JSON.length() + 10 + 1);
        assertThat(target.resolve("current/a.txt")).hasContent("a");
        assertThat(target.resolve("lib/b.txt")).hasContent("a");
        assertThat(Files.readSymbolicLink(target.resolve("current"))).isEqualTo(Path.of("lib/deep"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("bin/serve"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("lever.json"))))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void toleratesOneTopLevelFolder() throws IOException {
        byte[] archive = TarGz.create()
                .dir("helloService")
                .file("helloService/lever.json", LEVER_JSON)
                .file("helloService/x.txt", "x")
                .symlink("helloService/y", "x.txt")
                .build();

        ExtractedArchive extracted = extractor.extract(new ByteArrayInputStream(archive), target);

        assertThat(extracted.serviceDir()).isEqualTo(target.toRealPath().resolve("helloService"));
    }

    @Test
    void acceptsDotSlashNamesAndLongNames() throws IOException {
        String longName = "d/" + "x".repeat(200) + "/" + "y".repeat(150) + ".txt";
        byte[] archive = TarGz.create()
                .dir("./")
                .file("./lever.json", LEVER_JSON)
                .file(longName, "long")
                .build();

        extractor.extract(new ByteArrayInputStream(archive), target);

        assertThat(target.resolve(longName)).hasContent("long");
    }

    @Test
    void refusesParentDirectoryEntries() {
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).file("../evil", "x"),
                ErrorCode.INVALID_ARCHIVE,
                "archive entry '../evil' leaves the service folder (expected: relative paths inside the archive");
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).file("a/../../outside/secret", "x"),
                ErrorCode.INVALID_ARCHIVE,
                "'a/../../outside/secret' leaves the service folder");
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).dir("../../escape"),
                ErrorCode.INVALID_ARCHIVE,
                "'../../escape/' leaves the service folder");
    }

    @Test
    void refusesAbsolutePaths() {
        assertRefused(
                TarGz.create()
                        .file("lever.json", LEVER_JSON)
                        .file(outside.resolve("secret").toString(), "x"),
                ErrorCode.INVALID_ARCHIVE,
                "is an absolute path (expected: relative paths inside the archive)");
    }

    @Test
    void refusesSymlinksLeavingTheFolder() {
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).symlink("link", "../outside"),
                ErrorCode.INVALID_ARCHIVE,
                "symbolic link 'link' -> '../outside' leaves the service folder");
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).symlink("link", outside.toString()),
                ErrorCode.INVALID_ARCHIVE,
                "points to an absolute path");
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).symlink("a/b/link", "../../../outside/secret"),
                ErrorCode.INVALID_ARCHIVE,
                "leaves the service folder");
    }

    @Test
    void refusesSymlinkChainsThatLeaveThroughOtherLinks() {
        // Each target looks inside on its own; together, s1 -> s2/.. -> ./.. is the parent folder.
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).symlink("s2", ".").symlink("s1", "s2/.."),
                ErrorCode.INVALID_ARCHIVE,
                "symbolic link 's1' -> 's2/..' leaves the service folder through other links");
    }

    @Test
    void refusesEntriesUnderASymlink() {
        // Written through "d", the file would land wherever d points.
        assertRefused(
                TarGz.create()
                        .file("lever.json", LEVER_JSON)
                        .dir("sub")
                        .symlink("d", ".")
                        .symlink("d/e", ".."),
                ErrorCode.INVALID_ARCHIVE,
                "archive entry 'd/e' lies under the symbolic link 'd'");
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).symlink("d", "..").file("d/secret", "x"),
                ErrorCode.INVALID_ARCHIVE,
                "leaves the service folder");
        assertRefused(
                TarGz.create()
                        .file("lever.json", LEVER_JSON)
                        .symlink("d", "lib")
                        .file("d/x", "x")
                        .dir("lib"),
                ErrorCode.INVALID_ARCHIVE,
                "archive entry 'd' is a link, but an earlier entry already made 'd'");
    }

    @Test
    void refusesDanglingSymlinks() {
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).symlink("link", "missing.txt"),
                ErrorCode.INVALID_ARCHIVE,
                "symbolic link 'link' -> 'missing.txt' points to nothing in the archive");
    }

    @Test
    void refusesHardLinksLeavingTheFolder() {
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).hardlink("h", "../outside/secret"),
                ErrorCode.INVALID_ARCHIVE,
                "hard link 'h' -> '../outside/secret' leaves the service folder");
        assertRefused(
                TarGz.create()
                        .file("lever.json", LEVER_JSON)
                        .hardlink("h", outside.resolve("secret").toString()),
                ErrorCode.INVALID_ARCHIVE,
                "is an absolute path");
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).hardlink("h", "nothing-here"),
                ErrorCode.INVALID_ARCHIVE,
                "hard link 'h' -> 'nothing-here' does not name a regular file of the archive");
    }

    @Test
    void refusesHardLinksThroughSymlinks() {
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).symlink("up", ".").hardlink("h", "up/lever.json"),
                ErrorCode.INVALID_ARCHIVE,
                "does not name a regular file of the archive");
    }

    @Test
    void refusesDevicesAndFifos() {
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).special("dev/null", TarConstants.LF_CHR),
                ErrorCode.INVALID_ARCHIVE,
                "archive entry 'dev/null' is a character device (expected: regular files, folders, symbolic links and"
                        + " hard links only)");
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).special("disk", TarConstants.LF_BLK),
                ErrorCode.INVALID_ARCHIVE,
                "'disk' is a block device");
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).special("pipe", TarConstants.LF_FIFO),
                ErrorCode.INVALID_ARCHIVE,
                "'pipe' is a FIFO");
    }

    @Test
    void refusesTooManyEntries() {
        ArchiveExtractor small = new ArchiveExtractor(new ArchiveLimits(1024 * 1024, 1024 * 1024, 5));
        TarGz archive = TarGz.create().file("lever.json", LEVER_JSON);
        for (int i = 0; i < 5; i++) {
            archive.file("f" + i, "x");
        }
        assertRefused(small, archive.build(), ErrorCode.PAYLOAD_TOO_LARGE, "the archive has more than 5 entries");
    }

    @Test
    void refusesTooManyExtractedBytes() {
        ArchiveExtractor small = new ArchiveExtractor(new ArchiveLimits(1024 * 1024, 1000, 100));
        byte[] archive = TarGz.create()
                .file("lever.json", LEVER_JSON)
                .file("big", new byte[2000], 0644)
                .build();
        assertRefused(
                small, archive, ErrorCode.PAYLOAD_TOO_LARGE, "the archive's files exceed 1000 bytes at entry 'big'");
    }

    @Test
    void refusesTooManyCompressedBytes() {
        ArchiveExtractor small = new ArchiveExtractor(new ArchiveLimits(1000, 1024 * 1024, 100));
        byte[] noise = new byte[20_000];
        new Random(1).nextBytes(noise);
        byte[] archive = TarGz.create()
                .file("lever.json", LEVER_JSON)
                .file("noise", noise, 0644)
                .build();
        assertRefused(small, archive, ErrorCode.PAYLOAD_TOO_LARGE, "the archive is larger than 1000 bytes compressed");
    }

    @Test
    void refusesAGzipBombBeforeItFillsTheDisk() {
        // Megabytes of zeros in a few kB: refused while expanding, long before the whole stream is read.
        ArchiveExtractor small = new ArchiveExtractor(new ArchiveLimits(1024 * 1024, 100_000, 100));
        byte[] archive = TarGz.create()
                .file("lever.json", LEVER_JSON)
                .file("zeros", new byte[20 * 1024 * 1024], 0644)
                .build();
        assertThat(archive.length).isLessThan(100_000);
        assertRefused(small, archive, ErrorCode.PAYLOAD_TOO_LARGE, "exceed 100000 bytes at entry 'zeros'");
    }

    @ParameterizedTest
    @ValueSource(chars = {'x', 'g', 'L', 'K'})
    void refusesAnOversizedExtendedHeaderBeforeReadingIt(char type) throws IOException {
        // The header declares 500 MB; only 100 kB follow. Read whole, it would cost gigabytes of heap.
        TarArchiveEntry header = new TarArchiveEntry("PaxHeaders/huge", (byte) type, true);
        header.setSize(500_000_000L);
        byte[] record = new byte[512];
        header.writeEntryHeader(record);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(record);
            gzip.write("99999999 comment=".getBytes(StandardCharsets.UTF_8));
            gzip.write(new byte[100_000]);
        }
        assertRefused(
                extractor, bytes.toByteArray(), ErrorCode.INVALID_ARCHIVE, "archive entry 'PaxHeaders/huge' is a");
        assertRefused(
                extractor,
                bytes.toByteArray(),
                ErrorCode.INVALID_ARCHIVE,
                "of 500000000 bytes (expected: extended headers of at most 65536 bytes");
    }

    @Test
    void acceptsAnExtendedHeaderUpToTheLimit() throws IOException {
        String comment = "c".repeat(ExtendedHeaderLimit.MAX_BYTES - 100);
        TarArchiveEntry entry = new TarArchiveEntry("lever.json", true);
        entry.addPaxHeader("comment", comment);
        entry.setSize(LEVER_JSON.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            tar.putArchiveEntry(entry);
            tar.write(LEVER_JSON.getBytes(StandardCharsets.UTF_8));
            tar.closeArchiveEntry();
        }

        extractor.extract(new ByteArrayInputStream(bytes.toByteArray()), target);

        assertThat(target.resolve("lever.json")).hasContent(LEVER_JSON);
    }

    @Test
    void refusesNamesTheFileSystemCannotHold() {
        String longName = "n".repeat(10_000);
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).file(longName, "x"),
                ErrorCode.INVALID_ARCHIVE,
                "archive entry '" + "n".repeat(200) + "…' has a path of 10000 bytes (expected: at most 3072 bytes");
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).file("d/" + "é".repeat(128), "x"),
                ErrorCode.INVALID_ARCHIVE,
                "has a file or folder name of 256 bytes (expected: at most 255 bytes per name");
        String deep = "abcdefghi/".repeat(400) + "x";
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).file(deep, "x"),
                ErrorCode.INVALID_ARCHIVE,
                "has a path of 4001 bytes");
        assertRefused(
                TarGz.create().file("lever.json", LEVER_JSON).symlink("link", "a/".repeat(2000)),
                ErrorCode.INVALID_ARCHIVE,
                "archive entry symbolic link 'link' -> '");
    }

    @Test
    void refusesWhatIsNotGzip() {
        assertRefused(
                extractor,
                "just some text".getBytes(StandardCharsets.UTF_8),
                ErrorCode.INVALID_ARCHIVE,
                "the archive is not gzip-compressed");
    }

    @Test
    void refusesGzipThatIsNotTar() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write("this is not a tar archive, just text that goes on for a while. "
                    .repeat(20)
                    .getBytes(StandardCharsets.UTF_8));
        }
        assertRefused(extractor, bytes.toByteArray(), ErrorCode.INVALID_ARCHIVE, "could not be read");
    }

    @Test
    void refusesATruncatedArchive() {
        byte[] archive = TarGz.create()
                .file("lever.json", LEVER_JSON)
                .file("big", new byte[50_000], 0644)
                .build();
        byte[] truncated = Arrays.copyOf(archive, archive.length / 2);
        assertRefused(extractor, truncated, ErrorCode.INVALID_ARCHIVE, "could not be read");
    }

    @Test
    void refusesAnArchiveWithoutLeverJson() {
        assertRefused(
                TarGz.create().file("README.md", "hi").file("src/x.js", "x"),
                ErrorCode.INVALID_ARCHIVE,
                "the archive has no lever.json at its root (expected: lever.json at the top of the archive, or inside"
                        + " a single top-level folder; found: [README.md, src])");
        assertRefused(
                TarGz.create().file("a/lever.json", LEVER_JSON).file("b/x", "x"),
                ErrorCode.INVALID_ARCHIVE,
                "no lever.json at its root");
        assertRefused(
                TarGz.create().dir("lever.json").file("x", "x"),
                ErrorCode.INVALID_ARCHIVE,
                "no lever.json at its root");
    }

    @Test
    void refusesLeverJsonThatIsASymlink() {
        assertRefused(
                TarGz.create().file("real.json", LEVER_JSON).symlink("lever.json", "real.json"),
                ErrorCode.INVALID_ARCHIVE,
                "no lever.json at its root");
    }

    private void assertRefused(TarGz archive, ErrorCode code, String messagePart) {
        assertRefused(extractor, archive.build(), code, messagePart);
    }

    private void assertRefused(ArchiveExtractor extractor, byte[] archive, ErrorCode code, String messagePart) {
        assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(archive), target))
                .isInstanceOfSatisfying(
                        ControlPlaneException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(messagePart);
        assertThat(target).doesNotExist();
        assertThat(codeDir).isEmptyDirectory();
        assertThat(sandbox.resolve("data")).isDirectoryContaining(p -> p.endsWith("code"));
        try (Stream<Path> data = Files.list(sandbox.resolve("data"))) {
            assertThat(data.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("code", "outside");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).containsExactly(outside.resolve("secret"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(outside.resolve("secret")).hasContent("keep me");
        assertThat(Files.isSymbolicLink(outside.resolve("secret"))).isFalse();
        assertThat(Files.exists(sandbox.resolve("evil"), LinkOption.NOFOLLOW_LINKS))
                .isFalse();
        assertThat(Files.exists(sandbox.resolve("data/evil"), LinkOption.NOFOLLOW_LINKS))
                .isFalse();
    }
}
