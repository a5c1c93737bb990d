package io.leveros.dataplane.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.dataplane.isolation.IdRange;
import io.leveros.dataplane.isolation.InstanceIsolation;
import io.leveros.proto.control.JavaEntry;
import io.leveros.proto.control.JsEntry;
import io.leveros.proto.control.ServiceVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool of warm runtimes with real processes: shell scripts standing in for the runtimes, saying
 * (or not) the ready line and reading their order as a runtime does.
 */
class WarmRuntimesTest {
    private static final ServiceVersion JAVA = ServiceVersion.newBuilder()
            .setJava(JavaEntry.newBuilder().setClassName("com.example.Hello"))
            .build();
    private static final ServiceVersion NODE = ServiceVersion.newBuilder()
            .setJs(JsEntry.newBuilder().setModule("server.js"))
            .build();
    /** Trained after a moment, then echoes its order and waits. */
    private static final String RUNTIME =
            "sleep 0.3; echo 'warm runtime ready'; read order; echo \"told: $order\"; sleep 60";

    @TempDir
    Path temp;

    private InstanceIsolation isolation;
    private final ExecutorService launcher = Executors.newSingleThreadExecutor();
    private final List<Process> started = new CopyOnWriteArrayList<>();
    /** What the fork does before it starts a process: a slow start, in one test. */
    private volatile Runnable beforeStart = () -> {};

    private WarmRuntimes warm;

    @BeforeEach
    void isolation() throws IOException {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x")); // as /tmp: traversable
        isolation = InstanceIsolation.start(temp, IdRange.DEFAULT, false, "warm-test");
    }

    @AfterEach
    void close() {
        if (warm != null) {
            warm.close();
        }
        started.forEach(Process::destroyForcibly);
        launcher.shutdownNow();
        isolation.close();
    }

    @Test
    void onlyATrainedRuntimeIsTakenAndATakenOneIsReplaced() throws Exception {
        warm = pool(1, RUNTIME);
        warm.fill();
        await().atMost(Duration.ofSeconds(20)).until(() -> started.size() == 1);
        assertThat(warm.take(JAVA, 256)).as("still training").isNull();

        WarmRuntimes.Warm taken =
                await().atMost(Duration.ofSeconds(10)).until(() -> warm.take(JAVA, 256), w -> w != null);
        assertThat(taken.kind()).isEqualTo(ServiceVersion.EntryCase.JAVA);
        assertThat(started)
                .as("no replacement competes with the cold start that took it")
                .hasSize(1);
        await("a replacement starts a second later")
                .atMost(Duration.ofSeconds(5))
                .until(() -> started.size() == 2);

        taken.order(List.of("com.example.Hello"), Map.of("LEVEROS_SERVICE", "hello"));
        BufferedReader out =
                new BufferedReader(new InputStreamReader(taken.process().getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine())
                .as("the output after the ready line is the instance's")
                .isEqualTo("told: {\"args\":[\"com.example.Hello\"],\"environment\":{\"LEVEROS_SERVICE\":\"hello\"}}");
    }

    @Test
    void onlyInstancesWithTheDefaultRamAndAKnownEntryTakeOne() {
        warm = pool(1, RUNTIME);
        warm.fill();
        await().atMost(Duration.ofSeconds(10)).until(() -> warm.idleCounts().get(ServiceVersion.EntryCase.JAVA) == 1);
        assertThat(warm.keeps(JAVA, 256)).isTrue();
        assertThat(warm.keeps(JAVA, 512)).isFalse();
        assertThat(warm.keeps(NODE, 256)).isFalse();
        assertThat(warm.take(JAVA, 512)).isNull();
        assertThat(warm.take(NODE, 256)).as("no Node runtime in this pool").isNull();
        assertThat(warm.take(JAVA, 256)).isNotNull();
    }

    @Test
    void oneThatExitsWhileIdleIsDroppedAndItsFoldersFreed() {
        warm = pool(1, "echo 'warm runtime ready'; exit 3");
        warm.fill();
        await().atMost(Duration.ofSeconds(20)).until(() -> started.size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !started.getFirst().isAlive());
        assertThat(warm.take(JAVA, 256)).isNull();
        Path instanceFolder = temp.toFile().listFiles()[0].toPath();
        await("its temporary and code folders are gone")
                .atMost(Duration.ofSeconds(5))
                .until(() -> instanceFolder.resolve("tmp").toFile().list().length == 0
                        && instanceFolder.resolve("code").toFile().list().length == 0);
        assertThat(warm.held(ServiceVersion.EntryCase.JAVA)).isZero();
    }

    @Test
    void oneThatSaysSomethingElseIsEndedNotTaken() {
        warm = pool(1, "echo 'Error: Cannot find module'; sleep 60");
        warm.fill();
        await().atMost(Duration.ofSeconds(20)).until(() -> started.size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !started.getFirst().isAlive());
        await("its place is free again")
                .atMost(Duration.ofSeconds(5))
                .until(() -> warm.held(ServiceVersion.EntryCase.JAVA) == 0);
        assertThat(warm.take(JAVA, 256)).isNull();
    }

    @Test
    void aBurstLargerThanThePoolGrowsItUntilNoneCameForAWhile() {
        warm = pool(new WarmPoolSize(1, 3), Duration.ofSeconds(3), RUNTIME);
        warm.fill();
        await().atMost(Duration.ofSeconds(10)).until(() -> idle() == 1);

        long firstBurst = System.nanoTime();
        List<WarmRuntimes.Warm> burst = new ArrayList<>();
        for (int coldStart = 0; coldStart < 4; coldStart++) {
            burst.add(warm.take(JAVA, 256));
        }
        assertThat(burst)
                .as("one runtime for four cold starts")
                .filteredOn(Objects::nonNull)
                .hasSize(1);
        await("grown to the burst's size, at most 3")
                .atMost(Duration.ofSeconds(10))
                .until(() -> idle() == 3);
        assertThat(warm.keptCounts()).containsEntry(ServiceVersion.EntryCase.JAVA, 3);
        assertThat(started).hasSize(4);

        assertThat(warm.take(JAVA, 256))
                .as("a second burst, larger than the size at rest")
                .isNotNull();
        assertThat(warm.take(JAVA, 256)).isNotNull();
        await("they are replaced; the pool keeps its grown size")
                .atMost(Duration.ofSeconds(10))
                .until(() -> idle() == 3 && started.size() == 6);

        await("back to its size at rest once no burst came for a while")
                .atMost(Duration.ofSeconds(15))
                .until(() -> warm.held(ServiceVersion.EntryCase.JAVA) == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - firstBurst))
                .as("grown until 3 s after the second burst's refill, not the first's (4 s after it)")
                .isGreaterThan(Duration.ofMillis(4_800));
        assertThat(warm.keptCounts()).containsEntry(ServiceVersion.EntryCase.JAVA, 1);
        await("the idle ones beyond it are ended; the three taken and one idle are left")
                .atMost(Duration.ofSeconds(5))
                .until(() -> started.stream().filter(Process::isAlive).count() == 4);
    }

    @Test
    void coldStartsWhileThePoolFirstTrainsDoNotGrowIt() {
        warm = pool(new WarmPoolSize(1, 3), Duration.ofSeconds(30), RUNTIME);
        warm.fill();
        await().atMost(Duration.ofSeconds(10)).until(() -> started.size() == 1);
        assertThat(warm.take(JAVA, 256)).as("still training").isNull();
        assertThat(warm.take(JAVA, 256)).isNull();
        await("no runtime started beyond the one at rest, through the refill a second after the takes")
                .during(Duration.ofMillis(1_500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> started.size() == 1);
        assertThat(warm.keptCounts()).containsEntry(ServiceVersion.EntryCase.JAVA, 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> idle() == 1);
        for (int coldStart = 0; coldStart < 3; coldStart++) {
            warm.take(JAVA, 256);
        }
        await("once it was full, the same burst grows it")
                .atMost(Duration.ofSeconds(10))
                .until(() -> idle() == 3);
        assertThat(warm.keptCounts()).containsEntry(ServiceVersion.EntryCase.JAVA, 3);
    }

    @Test
    void aNumberGivenIsKeptWhateverTheBurst() {
        warm = pool(1, RUNTIME);
        warm.fill();
        await().atMost(Duration.ofSeconds(10)).until(() -> idle() == 1);
        for (int coldStart = 0; coldStart < 4; coldStart++) {
            warm.take(JAVA, 256);
        }
        await("replaced").atMost(Duration.ofSeconds(10)).until(() -> idle() == 1);
        assertThat(started).hasSize(2);
        assertThat(warm.keptCounts()).containsEntry(ServiceVersion.EntryCase.JAVA, 1);
    }

    @Test
    void closingEndsTheIdleOnes() {
        warm = pool(2, RUNTIME);
        warm.fill();
        await().atMost(Duration.ofSeconds(20)).until(() -> started.size() == 2);
        warm.close();
        assertThat(started).noneMatch(Process::isAlive);
    }

    @Test
    void closingWhileOneStartsEndsThatOneTooAndStartsNoOther() throws Exception {
        CountDownLatch startUnderWay = new CountDownLatch(1);
        CountDownLatch spawn = new CountDownLatch(1);
        beforeStart = () -> {
            startUnderWay.countDown();
            try {
                spawn.await(); // a slow spawn: the pool closes in the middle of it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        warm = pool(2, RUNTIME);
        warm.fill();
        assertThat(startUnderWay.await(20, TimeUnit.SECONDS)).isTrue();

        Thread closing = Thread.ofPlatform().start(warm::close);
        await("close is waiting for the start, or done")
                .atMost(Duration.ofSeconds(5))
                .until(() ->
                        closing.getState() == Thread.State.BLOCKED || closing.getState() == Thread.State.TERMINATED);
        spawn.countDown();
        assertThat(closing.join(Duration.ofSeconds(10))).isTrue();
        // the launcher may take the lock for its next start before close does: that one starts before close
        int startedBeforeClosed = started.size();
        launcher.shutdown();
        assertThat(launcher.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(started).as("none starts once the pool is closed").hasSize(startedBeforeClosed);
        await("it is ended as the idle ones are, not left running after the platform")
                .atMost(Duration.ofSeconds(5))
                .until(() -> started.stream().noneMatch(Process::isAlive));
    }

    private int idle() {
        return warm.idleCounts().get(ServiceVersion.EntryCase.JAVA);
    }

    /** A pool of {@code perKind} Java runtimes, each {@code sh -c script}. */
    private WarmRuntimes pool(int perKind, String script) {
        return pool(WarmPoolSize.fixed(perKind), WarmRuntimes.GROWN_FOR, script);
    }

    private WarmRuntimes pool(WarmPoolSize size, Duration grownFor, String script) {
        return new WarmRuntimes(
                Set.of(ServiceVersion.EntryCase.JAVA),
                size,
                grownFor,
                256,
                new WarmRuntimes.Fork() {
                    @Override
                    public boolean ready(ServiceVersion.EntryCase kind) {
                        return true;
                    }

                    @Override
                    public WarmRuntimes.Warm start(String id, ServiceVersion.EntryCase kind, int ramMb) {
                        beforeStart.run();
                        try {
                            Process process = new ProcessBuilder("sh", "-c", script).start();
                            started.add(process);
                            return new WarmRuntimes.Warm(
                                    id,
                                    kind,
                                    process,
                                    isolation.openWarm(id),
                                    NO_LIMIT,
                                    false,
                                    new CompletableFuture<>());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                },
                launcher);
    }

    private static final MemoryLimits.Limit NO_LIMIT = new MemoryLimits.Limit() {
        @Override
        public boolean exceeded() {
            return false;
        }

        @Override
        public void remove() {}
    };
}
