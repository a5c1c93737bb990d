package io.leveros.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.archive.ArchiveLimits;
import io.leveros.controlplane.code.CodeArchives;
import io.leveros.controlplane.store.FileMetadataStore;
import io.leveros.controlplane.store.StoreSnapshot;
import io.leveros.controlplane.store.VersionRecord;
import io.leveros.controlplane.testing.TarGz;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployServiceTest {
    @TempDir
    Path dataDir;

    FileMetadataStore store;
    DeployService deploys;

    @BeforeEach
    void setUp() {
        store = FileMetadataStore.open(dataDir.resolve("store"), Clock.systemUTC());
        deploys = deployService(10);
    }

    private DeployService deployService(int keepVersions) {
        return new DeployService(
                store,
                new ArchiveExtractor(new ArchiveLimits(1024 * 1024, 1024 * 1024, 100)),
                new DeploySlots(2, Duration.ofSeconds(5)),
                new CodeArchives(dataDir.resolve("code")),
                Clock.systemUTC(),
                keepVersions);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void deploysNumberedVersionsAndStartsTheNewest() throws IOException {
        Deployment first = deploys.deploy("dev.lever", upload(TarGz.service("helloService")), "ci");
        Deployment second = deploys.deploy("dev.lever", upload(TarGz.service("helloService")), "ci");

        assertThat(first.version().version()).isEqualTo(1);
        assertThat(second.version().version()).isEqualTo(2);
        assertThat(first.service().liveVersion())
                .as("a first version is live at once")
                .isEqualTo(1);
        assertThat(second.service().liveVersion())
                .as("until v2's instances are ready")
                .isEqualTo(1);
        assertThat(second.service().startingVersion()).isEqualTo(2);
        Path v2 = dataDir.resolve("code/dev.lever/helloService/2");
        assertThat(v2.resolve("lever.json")).exists();
        Path archive = dataDir.resolve("code/dev.lever/helloService/2.tar.gz");
        assertThat(archive).hasSize(second.version().codeBytes());
        assertThat(sha256(archive)).isEqualTo(second.version().codeSha256());
        assertThat(first.version().codeSha256())
                .as("the same code packs into the same archive")
                .isEqualTo(second.version().codeSha256());
        assertThat(v2.resolve("classes/com/example/Hello.class")).hasContent("not really a class");
        assertThat(codeEntries()).containsExactly("dev.lever");
    }

    @Test
    void recordsWhoDeployedEachVersion() {
        Deployment deployment = deploys.deploy("dev.lever", upload(TarGz.service("helloService")), "ci");
        assertThat(deployment.version().deployedBy()).isEqualTo("ci");
        assertThat(store.snapshot()
                        .version("dev.lever", "helloService", 1)
                        .orElseThrow()
                        .deployedBy())
                .isEqualTo("ci");
    }

    @Test
    void keepsTheNewestVersionsAndDeletesTheCodeOfTheOthers() {
        DeployService keepingThree = deployService(3);
        for (int i = 0; i < 5; i++) {
            long version = keepingThree
                    .deploy("dev.lever", upload(TarGz.service("helloService")), "ci")
                    .version()
                    .version();
            store.finishStart("dev.lever", "helloService", version);
        }
        assertThat(store.snapshot().versions("dev.lever", "helloService"))
                .extracting(VersionRecord::version)
                .containsExactlyInAnyOrder(3L, 4L, 5L);
        CodeArchives archives = new CodeArchives(dataDir.resolve("code"));
        archives.forgetDropped(store.snapshot());
        Path service = dataDir.resolve("code/dev.lever/helloService");
        assertThat(service.resolve("1")).doesNotExist();
        assertThat(service.resolve("2.tar.gz")).doesNotExist();
        assertThat(service.resolve("3")).exists();
        assertThat(service.resolve("5.tar.gz")).exists();
    }

    @Test
    void rollbackStartsTheVersionBeforeTheLiveOneOrTheOneNamed() {
        for (int i = 0; i < 3; i++) {
            long version = deploys.deploy("dev.lever", upload(TarGz.service("helloService")), "ci")
                    .version()
                    .version();
            store.finishStart("dev.lever", "helloService", version);
        }
        assertThat(deploys.rollback("dev.lever", "helloService", null).startingVersion())
                .isEqualTo(2);
        store.finishStart("dev.lever", "helloService", 2);
        assertThat(deploys.rollback("dev.lever", "helloService", null).startingVersion())
                .isEqualTo(1);
        store.finishStart("dev.lever", "helloService", 1);
        assertThatThrownBy(() -> deploys.rollback("dev.lever", "helloService", null))
                .hasMessage("no version of helloService before v1 is kept, so there is nothing to roll back to;"
                        + " name one with --to");
        assertThat(deploys.rollback("dev.lever", "helloService", 3L).startingVersion())
                .isEqualTo(3);
        assertThatThrownBy(() -> deploys.rollback("dev.lever", "nothing", null))
                .hasMessageContaining("service 'nothing' not found");
    }

    @Test
    void unwrapsASingleTopLevelFolder() {
        byte[] archive = TarGz.create()
                .file("myservice/lever.json", "{\"name\": \"wrapped\", \"jsEntry\": \"index.js\"}")
                .file("myservice/index.js", "exports.hi = cb => cb(null, 'hi')")
                .build();
        Deployment deployment = deploys.deploy("dev.lever", upload(archive), "ci");
        assertThat(dataDir.resolve("code/dev.lever/wrapped/1/index.js")).exists();
        assertThat(deployment.version().entry().jsEntry()).isEqualTo("index.js");
    }

    @Test
    void anInvalidLeverJsonChangesNothing() throws IOException {
        deploys.deploy("dev.lever", upload(TarGz.service("helloService")), "ci");
        StoreSnapshot before = store.snapshot();
        byte[] archive = TarGz.create()
                .file("lever.json", "{\"name\": \"helloService\", \"javaEntry\": \"com.example.Hello\", \"colour\": 1}")
                .build();

        assertThatThrownBy(() -> deploys.deploy("dev.lever", upload(archive), "ci"))
                .isInstanceOfSatisfying(
                        ControlPlaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_LEVER_JSON))
                .hasMessageContaining("unknown field 'colour'");

        assertThat(store.snapshot()).isSameAs(before);
        assertThat(codeEntries()).containsExactly("dev.lever");
        try (Stream<Path> versions = Files.list(dataDir.resolve("code/dev.lever/helloService"))) {
            assertThat(versions.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("1", "1.tar.gz");
        }
    }

    @Test
    void aBadArchiveChangesNothing() throws IOException {
        StoreSnapshot before = store.snapshot();
        byte[] archive = TarGz.create()
                .file("lever.json", "{\"name\": \"evil\", \"javaEntry\": \"x.Y\"}")
                .file("../evil", "x")
                .build();
        assertThatThrownBy(() -> deploys.deploy("dev.lever", upload(archive), "ci"))
                .isInstanceOfSatisfying(
                        ControlPlaneException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARCHIVE));
        assertThat(store.snapshot()).isSameAs(before);
        assertThat(codeEntries()).isEmpty();
    }

    @Test
    void anUnknownEnvironmentIsRefusedBeforeReading() {
        InputStream neverRead = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the upload must not be read");
            }
        };
        assertThatThrownBy(() -> deploys.deploy("nope.lever", neverRead, "ci"))
                .isInstanceOfSatisfying(ControlPlaneException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.ENVIRONMENT_NOT_FOUND));
    }

    @Test
    void concurrentDeploysGetDistinctVersions() throws Exception {
        List<Future<Deployment>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> deploys.deploy("dev.lever", upload(TarGz.service("busyService")), "ci")));
            }
        }
        List<Long> versions = new ArrayList<>();
        for (Future<Deployment> result : results) {
            versions.add(result.get().version().version());
        }
        assertThat(versions).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(store.snapshot()
                        .service("dev.lever", "busyService")
                        .orElseThrow()
                        .startingVersion())
                .isEqualTo(8);
        assertThat(store.snapshot().versions("dev.lever", "busyService"))
                .extracting(VersionRecord::version)
                .containsExactly(8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
        assertThat(codeEntries()).containsExactly("dev.lever");
    }

    @Test
    void removesExtractionsLeftByACrash() throws IOException {
        Path leftover = Files.createDirectories(dataDir.resolve("code/.tmp-crashed/sub"));
        Files.writeString(leftover.resolve("f"), "x");
        new DeployService(
                store,
                new ArchiveExtractor(new ArchiveLimits(1, 1, 1)),
                new DeploySlots(1, Duration.ZERO),
                new CodeArchives(dataDir.resolve("code")),
                Clock.systemUTC(),
                3);
        assertThat(dataDir.resolve("code/.tmp-crashed")).doesNotExist();
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static InputStream upload(byte[] archive) {
        return new ByteArrayInputStream(archive);
    }

    private List<String> codeEntries() throws IOException {
        Path code = dataDir.resolve("code");
        if (!Files.exists(code)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(code)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
