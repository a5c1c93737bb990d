package io.leveros.dataplane.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leveros.dataplane.identity.NodeCredential;
import io.leveros.dataplane.routing.ControlPlanes;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.TestCode;
import io.leveros.proto.control.ServiceVersion;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.grpc.client.GrpcClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's code cache against a real gRPC server (the fake control plane's FetchCode). */
class CodeCacheTest {
    @TempDir
    Path dir;

    FakeControlPlane controlPlane;
    Vertx vertx;
    GrpcClient client;
    CodeCache cache;
    Path dataDir;

    @BeforeEach
    void start() throws Exception {
        controlPlane = new FakeControlPlane();
        vertx = Vertx.vertx();
        client = GrpcClient.client(
                vertx,
                new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        dataDir = dir.resolve("node");
        cache = open();
    }

    private CodeCache open() {
        return CodeCache.open(
                dataDir,
                new ControlPlaneCode(
                        vertx,
                        client,
                        ControlPlanes.parse("--control-plane", "127.0.0.1:" + controlPlane.port()),
                        new NodeCredential(controlPlane.credentialFile())));
    }

    @AfterEach
    void stop() throws Exception {
        cache.close();
        vertx.close().await();
        controlPlane.close();
    }

    private ServiceVersion version(String content) throws IOException {
        Path code = Files.createDirectories(
                dir.resolve("code-" + content.hashCode()).resolve("lib"));
        Files.writeString(code.resolveSibling("lever.json"), "{\"name\": \"svc\"}");
        Files.writeString(code.resolve("data.txt"), content);
        return TestCode.withCode(ServiceVersion.newBuilder().setVersion(1), code.getParent())
                .build();
    }

    private Path acquire(ServiceVersion version) throws Exception {
        return cache.acquire("dev.lever", "svc", version).get(30, TimeUnit.SECONDS);
    }

    private List<String> cacheEntries() throws IOException {
        try (Stream<Path> entries = Files.list(dataDir.resolve("code"))) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void fetchesVerifiesAndExtractsIntoAFolderNamedByTheHash() throws Exception {
        ServiceVersion version = version("hello");

        Path folder = acquire(version);

        assertThat(folder).isEqualTo(dataDir.resolve("code").resolve(version.getCodeSha256()));
        assertThat(folder.resolve("lib/data.txt")).hasContent("hello");
        assertThat(Files.getPosixFilePermissions(dataDir)).hasToString("[OWNER_READ, OWNER_WRITE, OWNER_EXECUTE]");
        assertThat(cacheEntries()).containsExactly(version.getCodeSha256()).as("no temporary file left");
        assertThat(acquire(version)).isEqualTo(folder);
        assertThat(controlPlane.codeFetches())
                .as("the second start uses the cache")
                .isEqualTo(1);
    }

    @Test
    void concurrentStartsOfOneVersionShareOneFetch() throws Exception {
        ServiceVersion version = version("shared");
        CompletableFuture<Void> gate = new CompletableFuture<>();
        controlPlane.holdCode(gate);
        List<CompletableFuture<Path>> starts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            starts.add(cache.acquire("dev.lever", "svc", version));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.codeFetches() == 1);
        gate.complete(null);

        for (CompletableFuture<Path> start : starts) {
            assertThat(start.get(30, TimeUnit.SECONDS).resolve("lib/data.txt")).hasContent("shared");
        }
        assertThat(controlPlane.codeFetches()).isEqualTo(1);
    }

    @Test
    void aDamagedArchiveIsNeverExtractedAndTheNextStartFetchesAgain() throws Exception {
        ServiceVersion version = version("damaged");
        controlPlane.damageCode(true);

        assertThatThrownBy(() -> acquire(version))
                .cause()
                .hasMessageStartingWith("the code of dev.lever/svc version 1 arrived damaged: ")
                .hasMessageContaining(
                        "(expected: " + version.getCodeBytes() + " bytes with sha256 " + version.getCodeSha256() + ")");
        cache.release(version);
        assertThat(cacheEntries()).as("nothing kept").isEmpty();

        controlPlane.damageCode(false);
        assertThat(acquire(version).resolve("lib/data.txt")).hasContent("damaged");
        assertThat(controlPlane.codeFetches()).isEqualTo(2);
    }

    @Test
    void anArchiveWithAnEntryOutsideItsFolderIsRefused() throws Exception {
        for (TarArchiveEntry bad : List.of(
                file("../escaped"),
                file("/etc/escaped"),
                link("out", "../../escaped"),
                link("abs", "/etc/passwd"),
                hardLink("hard", "lever.json"))) {
            ServiceVersion version = TestCode.withArchive(
                            ServiceVersion.newBuilder().setVersion(1), archive(file("lever.json"), bad))
                    .build();
            assertThatThrownBy(() -> acquire(version))
                    .as(bad.getName())
                    .cause()
                    .hasMessageContaining("archive entry '" + bad.getName() + "' is refused");
            cache.release(version);
            assertThat(cacheEntries()).as("nothing kept of " + bad.getName()).isEmpty();
        }
        assertThat(dir.resolve("escaped")).doesNotExist();
    }

    @Test
    void aVersionNoSnapshotNamesGoesOnceNoInstanceUsesIt() throws Exception {
        ServiceVersion kept = version("kept");
        ServiceVersion retired = version("retired");
        Path keptFolder = acquire(kept);
        Path retiredFolder = acquire(retired);

        cache.retain(Set.of(kept.getCodeSha256()));
        Thread.sleep(200); // nothing to wait for: the retired version is still in use and must stay
        assertThat(retiredFolder).as("still used by an instance").isDirectory();

        cache.release(retired);
        cache.release(kept);
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(retiredFolder));
        assertThat(keptFolder).as("named by the snapshot").isDirectory();
        assertThat(cacheEntries()).containsExactly(kept.getCodeSha256());
    }

    @Test
    void aRestartedNodeKeepsItsCodeAndDropsInterruptedFetches() throws Exception {
        ServiceVersion version = version("static");
        Path folder = acquire(version);
        cache.close();
        Files.writeString(dataDir.resolve("code/.fetch-" + version.getCodeSha256() + "-x.tar.gz"), "half");
        controlPlane.close(); // no control plane from here on
        controlPlane = new FakeControlPlane();

        cache = open();

        assertThat(cacheEntries()).containsExactly(version.getCodeSha256());
        assertThat(acquire(version)).isEqualTo(folder);
        assertThat(controlPlane.codeFetches()).isZero();
    }

    private static TarArchiveEntry file(String name) {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(2);
        return entry;
    }

    private static TarArchiveEntry link(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        entry.setLinkName(target);
        return entry;
    }

    private static TarArchiveEntry hardLink(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
        entry.setLinkName(target);
        return entry;
    }

    private static byte[] archive(TarArchiveEntry... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (TarArchiveEntry entry : entries) {
                tar.putArchiveEntry(entry);
                if (entry.getSize() > 0) {
                    tar.write("{}".getBytes(StandardCharsets.UTF_8));
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
