package io.leveros.bench;

import io.leveros.client.ClientStream;
import io.leveros.client.LeverClient;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Measures streaming methods on this machine (docs/benchmarks.md): byte-stream throughput through
 * the data plane (gRPC, in 32 and 64 KiB messages; and HTTP), directly to the same instance, and
 * through nginx and HAProxy in front of it when installed, with the relay's, the client's and the
 * machine's CPU per MB; small-message rate on 1 and 100 concurrent streams, and the data plane's
 * memory per open idle stream. The service is the Java test service's {@code echoChan}, with one
 * instance. Prints a Markdown table.
 */
public final class StreamBenchmark {
    private static final String SERVICE = "streamBench";
    /** The client: this process. */
    private static final long CLIENT_PID = ProcessHandle.current().pid();

    private static final Path TEST_SERVICE_CLASSES =
            BenchPlatform.HOME.resolve("system-tests/services/java/target/classes");
    /** The HTTP byte stream's chunk. */
    private static final int HTTP_CHUNK = 64 * 1024;
    /** Seconds without an echo after which a byte stream counts as stalled. */
    private static final int STALL_SECONDS = 15;

    private static final ScheduledExecutorService STALL_WATCH = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().factory());
    /** Messages a stream of the message-rate test may have awaiting their echo. */
    private static final int WINDOW = 64;

    private final long megabytes;
    private final int seconds;
    private final int idleStreams;
    private final List<Integer> messageKib;
    private final List<Throughput> throughputs = new ArrayList<>();
    private final List<String> rows = new ArrayList<>();

    private StreamBenchmark(long megabytes, int seconds, int idleStreams, List<Integer> messageKib) {
        this.megabytes = megabytes;
        this.seconds = seconds;
        this.idleStreams = idleStreams;
        this.messageKib = messageKib;
    }

    public static void main(String[] args) throws Exception {
        long megabytes = 1024;
        int seconds = 10;
        int idle = 1000;
        List<Integer> messageKib = List.of(32, 64);
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--megabytes" -> megabytes = Long.parseLong(args[++i]);
                    case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                    case "--idle-streams" -> idle = Integer.parseInt(args[++i]);
                    case "--message-kib" ->
                        messageKib = Arrays.stream(args[++i].split(","))
                                .map(Integer::parseInt)
                                .toList();
                    default -> throw new IllegalArgumentException(args[i]);
                }
            }
        } catch (RuntimeException badArguments) {
            System.err.println("usage: bench/run --streams [--megabytes N] [--seconds N] [--idle-streams N]"
                    + " [--message-kib N,N...] (byte-stream message sizes in KiB, default 32,64)");
            System.exit(2);
        }
        new StreamBenchmark(megabytes, seconds, idle, messageKib).run();
        System.exit(0);
    }

    private void run() throws Exception {
        System.err.printf(
                "Machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), Runtime.version());
        Path service = BenchPlatform.serviceFolder(
                TEST_SERVICE_CLASSES,
                "{\"name\": \"" + SERVICE + "\", \"javaEntry\": \"io.leveros.testservice.TestService\","
                        + " \"maxInstanceLoad\": 100000, \"minInstances\": 1, \"maxInstances\": 1}");
        Path dataDir = Files.createTempDirectory("lever-bench-");
        BenchPlatform.Ports ports = BenchPlatform.Ports.free();
        // No warm runtimes: the instance is found by its start environment, which a warm runtime's lacks.
        BenchPlatform platform = BenchPlatform.start(dataDir, ports, "--warm-runtimes", "0");
        try {
            BenchPlatform.lever(dataDir, ports, "deploy", service.toString());
            long dataPlanePid = JvmProbe.pidOf("io.leveros.dataplane.DataPlaneMain --port " + ports.http() + " ");
            try (LeverClient viaDataPlane = LeverClient.connect("127.0.0.1:" + ports.http())) {
                echo(viaDataPlane, 1, randomBlock(1024)); // its instance is up
                long instancePid = JvmProbe.pidWithEnv("LEVEROS_SERVICE=" + SERVICE); // its only instance
                int instancePort = JvmProbe.instancePort(instancePid);
                System.err.printf(
                        "The test service's instance: pid %d, port %d; the data plane: pid %d%n",
                        instancePid, instancePort, dataPlanePid);
                try (LeverClient direct = LeverClient.connect("127.0.0.1:" + instancePort)) {
                    warmUp(direct);
                    for (int kib : messageKib) {
                        throughput(Route.THROUGH_DATA_PLANE, kib, viaDataPlane, () -> JvmProbe.cpuNanos(dataPlanePid));
                    }
                    for (int kib : messageKib) {
                        throughput(Route.DIRECT, kib, direct, null);
                    }
                    throughputThroughPeers(dataDir, instancePort);
                    throughputOverHttp(ports.http());
                    messageRate("through the data plane", viaDataPlane, 1);
                    messageRate("through the data plane", viaDataPlane, 100);
                    messageRate("directly to the instance", direct, 1);
                    messageRate("directly to the instance", direct, 100);
                }
                idleStreamMemory(viaDataPlane, dataPlanePid);
            }
        } finally {
            platform.stop();
        }
        System.out.println();
        System.out.println("| measure | result |");
        System.out.println("|---|---|");
        throughputs.forEach(t -> System.out.println(t.row(throughputs, megabytes)));
        rows.forEach(System.out::println);
    }

    /**
     * Byte streams straight to the instance before either path is measured, so that the client's and
     * the instance's JIT have compiled their code: every path then ends in the same warm instance
     * process, from the same warm client, and differs only by what is between them. Before, the data
     * plane's path was measured first, against a client still compiling (its C2 compiler thread was 39 %
     * of the client's CPU time there and 1 % on the direct path measured later; perf, 2026-12-08), and
     * the direct path went to an instance started by hand with other flags (no heap limit).
     */
    private void warmUp(LeverClient direct) throws Exception {
        for (int kib : messageKib) {
            long warmUp = warmUpMegabytes(kib);
            System.err.printf("Warm-up, directly to the instance: %d KiB messages, %d MB echoed ...%n", kib, warmUp);
            echo(direct, warmUp, randomBlock(kib * 1024));
        }
    }

    /** How much a byte stream of {@code kib} KiB messages echoes before it is measured ({@link #throughput}). */
    private long warmUpMegabytes(int kib) {
        return kib == messageKib.getFirst() ? megabytes : 64;
    }

    /** Where a byte stream goes. */
    private enum Route {
        THROUGH_DATA_PLANE("through the data plane", "data plane"),
        DIRECT("directly to the instance", null),
        THROUGH_NGINX("through nginx grpc_pass in front of the instance", "nginx"),
        THROUGH_HAPROXY("through HAProxy (h2c, 1 thread) in front of the instance", "HAProxy");

        final String where;
        /** Whose CPU time is measured on this path, or null. */
        final String relay;

        Route(String where, String relay) {
            this.where = where;
            this.relay = relay;
        }
    }

    /**
     * One byte-stream measurement: MB/s one way, and CPU time per MB echoed over the measured part: the
     * relay's (NaN without one), the client's (this process: the Java SDK) and the whole machine's (the
     * client, the relay, the instance and whatever else ran); or why a peer proxy's stream did not
     * finish.
     */
    private record Throughput(Route route, int kib, double megabytesPerSecond, CpuPerMegabyte cpu, String failure) {
        String row(List<Throughput> all, long megabytes) {
            String result;
            if (failure != null) {
                result = "failed: " + failure.replace('|', '/');
            } else {
                result = String.format(Locale.ROOT, "%.0f MB/s", megabytesPerSecond);
                String relay = "";
                if (route != Route.DIRECT) {
                    for (Throughput direct : all) {
                        if (direct.route == Route.DIRECT && direct.kib == kib) {
                            result += String.format(
                                    Locale.ROOT, " (%.2f× direct)", megabytesPerSecond / direct.megabytesPerSecond);
                        }
                    }
                    relay = String.format(Locale.ROOT, "%s %.2f, ", route.relay, cpu.relay);
                }
                result += String.format(
                        Locale.ROOT, "; CPU ms per MB: %sclient %.2f, machine %.2f", relay, cpu.client, cpu.machine);
            }
            return String.format(
                    Locale.ROOT,
                    "| byte stream echoed, gRPC (Java SDK) %s, %d KiB messages (%d MB each way) | %s |",
                    route.where,
                    kib,
                    megabytes,
                    result);
        }
    }

    /** CPU time per MB echoed, in milliseconds (NaN: not measured). */
    private record CpuPerMegabyte(double relay, double client, double machine) {
        static final CpuPerMegabyte NONE = new CpuPerMegabyte(Double.NaN, Double.NaN, Double.NaN);
    }

    /** A byte stream whose echo stopped coming: none for {@link #STALL_SECONDS}. */
    private static final class Stalled extends Exception {
        Stalled(long megabytesEchoed) {
            super("stalled: no echo for " + STALL_SECONDS + " s after " + megabytesEchoed + " MB");
        }
    }

    /**
     * A byte stream echoed: {@code kib} KiB messages sent while the echo is read, after a warm-up;
     * the relay's CPU time ({@code relayCpuNanos}, null for none), the client's and the machine's over
     * the measured part. The first size on a path warms up with as many bytes as it measures: with 64
     * MB only, the first 4 GiB run on each path came out 30–40 % slower than the same run repeated,
     * whatever the size, the direct path too (so the client and the instance warm up, not only the
     * relay). The next sizes warm up with 64 MB.
     */
    private void throughput(Route route, int kib, LeverClient client, LongSupplier relayCpuNanos) throws Exception {
        long warmUp = warmUpMegabytes(kib);
        System.err.printf(
                "Throughput: %s, %d KiB messages, %d MB echoed (+%d MB warm-up) ...%n",
                route.where, kib, megabytes, warmUp);
        byte[] message = randomBlock(kib * 1024);
        try {
            echo(client, warmUp, message);
            long relayBefore = relayCpuNanos == null ? 0 : relayCpuNanos.getAsLong();
            long clientBefore = JvmProbe.cpuNanos(CLIENT_PID);
            long machineBefore = JvmProbe.machineCpuNanos();
            double seconds = echo(client, megabytes, message);
            CpuPerMegabyte cpu = new CpuPerMegabyte(
                    relayCpuNanos == null ? Double.NaN : (relayCpuNanos.getAsLong() - relayBefore) / 1e6 / megabytes,
                    (JvmProbe.cpuNanos(CLIENT_PID) - clientBefore) / 1e6 / megabytes,
                    (JvmProbe.machineCpuNanos() - machineBefore) / 1e6 / megabytes);
            throughputs.add(new Throughput(route, kib, megabytes / seconds, cpu, null));
        } catch (Stalled | RuntimeException failed) {
            if (route == Route.DIRECT || route == Route.THROUGH_DATA_PLANE) {
                throw failed;
            }
            System.err.println(route.relay + ": " + failed.getMessage()); // a peer's limit, reported as such
            throughputs.add(new Throughput(route, kib, Double.NaN, CpuPerMegabyte.NONE, failed.getMessage()));
        }
    }

    /**
     * Seconds to echo {@code megabytes} in {@code message}s on one stream, each echo checked byte for
     * byte against the message (a relay that reorders or reuses buffers shows here). A stream whose
     * echo stops for {@link #STALL_SECONDS} is cancelled: {@link Stalled}.
     */
    private static double echo(LeverClient client, long megabytes, byte[] message) throws Exception {
        long total = megabytes << 20;
        ClientStream stream = client.service("dev.lever", SERVICE).invokeChan("echoChan");
        long start = System.nanoTime();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (long sent = 0; sent < total; sent += message.length) {
                stream.send(message);
            }
            stream.close();
        });
        AtomicLong received = new AtomicLong();
        AtomicBoolean stalled = new AtomicBoolean();
        ScheduledFuture<?> watch = STALL_WATCH.scheduleAtFixedRate(
                new Runnable() {
                    private long seen = -1;

                    @Override
                    public void run() {
                        long now = received.get();
                        if (now == seen && stalled.compareAndSet(false, true)) {
                            stream.cancel();
                        }
                        seen = now;
                    }
                },
                STALL_SECONDS,
                STALL_SECONDS,
                TimeUnit.SECONDS);
        try {
            for (ClientStream.Message echoed : stream) {
                byte[] bytes = echoed.bytes();
                if (!Arrays.equals(bytes, message)) {
                    stream.cancel();
                    throw new IllegalStateException("echoed message at byte " + received.get()
                            + " differs from the message sent (" + bytes.length + " bytes, sent "
                            + message.length + "): the relay corrupted the stream");
                }
                received.addAndGet(bytes.length);
            }
            if (!stalled.get()) {
                writer.get(1, TimeUnit.MINUTES);
            }
        } catch (RuntimeException | ExecutionException failed) {
            if (!stalled.get()) {
                throw failed;
            }
        } finally {
            watch.cancel(false);
        }
        if (stalled.get()) { // the watch cancelled the stream: receiving ended or failed because of it
            throw new Stalled(received.get() >> 20);
        }
        if (received.get() != total) {
            throw new IllegalStateException("echoed " + received.get() + " bytes of " + total);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * The same byte streams through nginx and HAProxy in front of the instance, those installed: a
     * peer proxy's figures to read the data plane's against.
     */
    private void throughputThroughPeers(Path folder, int instancePort) throws Exception {
        throughputThrough(PeerProxy.nginx(folder, instancePort), Route.THROUGH_NGINX);
        throughputThrough(PeerProxy.haproxy(folder, instancePort), Route.THROUGH_HAPROXY);
    }

    private void throughputThrough(Optional<PeerProxy> peer, Route route) throws Exception {
        if (peer.isEmpty()) {
            System.err.println(route.relay + " is not installed (" + PeerProxy.INSTALL + "): its rows are left out");
            return;
        }
        try (PeerProxy proxy = peer.get()) {
            for (int kib : messageKib) {
                // a connection of its own for each size: a stream that stalled may leave its connection stuck
                try (LeverClient client = LeverClient.connect("127.0.0.1:" + proxy.port)) {
                    throughput(route, kib, client, proxy::cpuNanos);
                }
            }
        }
    }

    /** The same through the HTTP API, with curl: the body is the args line and then raw bytes. */
    private void throughputOverHttp(int port) throws Exception {
        Path body = Files.createTempFile("lever-bench-stream", ".bin");
        try {
            try (OutputStream out = Files.newOutputStream(body)) {
                out.write("[]\n".getBytes(StandardCharsets.UTF_8));
                byte[] block = randomBlock(HTTP_CHUNK);
                for (long written = 0; written < megabytes << 20; written += HTTP_CHUNK) {
                    out.write(block);
                }
            }
            System.err.printf("Throughput: HTTP through the data plane, %d MB echoed ...%n", megabytes);
            curlEcho(port, body); // warm-up
            double seconds = curlEcho(port, body);
            rows.add(String.format(
                    Locale.ROOT,
                    "| byte stream echoed, HTTP (curl -T) through the data plane (%d MB each way) | %.0f MB/s |",
                    megabytes,
                    megabytes / seconds));
        } finally {
            Files.delete(body);
        }
    }

    private static double curlEcho(int port, Path body) throws Exception {
        Process curl = new ProcessBuilder(
                        "curl",
                        "-sS",
                        "-N",
                        "-T",
                        body.toString(),
                        "-X",
                        "POST",
                        "-H",
                        "Content-Type: application/octet-stream",
                        "-o",
                        "/dev/null",
                        "-w",
                        "%{time_total} %{size_download}",
                        "http://127.0.0.1:" + port + "/" + SERVICE + "/echoChan")
                .redirectErrorStream(true)
                .start();
        String[] out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .trim()
                .split(" ");
        if (curl.waitFor() != 0 || Long.parseLong(out[1]) != Files.size(body) - 3) {
            throw new IllegalStateException("curl failed: " + String.join(" ", out));
        }
        return Double.parseDouble(out[0]);
    }

    /**
     * Small JSON messages echoed on {@code streams} streams at once, each with at most {@link
     * #WINDOW} messages awaiting their echo (a sender that never waited would measure queueing in
     * buffers sized for bulk data, not the message rate). The streams are all open before the first
     * message. Senders and readers are platform threads: a virtual thread that never blocks keeps its
     * carrier, and with one carrier per core two of them would starve every reader.
     */
    private void messageRate(String where, LeverClient client, int streams) throws Exception {
        System.err.printf("Message rate: %d stream(s) %s, %d s (+3 s warm-up) ...%n", streams, where, seconds);
        LongAdder received = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        List<ClientStream> open = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            ClientStream stream = client.service("dev.lever", SERVICE).invokeChan("echoChan");
            stream.send("open");
            stream.receive(String.class);
            open.add(stream);
        }
        for (ClientStream stream : open) {
            Semaphore window = new Semaphore(WINDOW);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    while (running.get()) {
                        if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            stream.send("m");
                        }
                    }
                } catch (RuntimeException | InterruptedException failed) {
                    System.err.println("a stream failed: " + failed.getMessage());
                }
            }));
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (ClientStream.Message ignored : stream) {
                        received.increment();
                        window.release();
                    }
                } catch (RuntimeException failed) {
                    System.err.println("a stream failed: " + failed.getMessage());
                }
            }));
        }
        Thread.sleep(3_000);
        long before = received.sum();
        long start = System.nanoTime();
        Thread.sleep(seconds * 1_000L);
        long count = received.sum() - before;
        double elapsed = (System.nanoTime() - start) / 1e9;
        running.set(false);
        for (int i = 0; i < threads.size(); i += 2) {
            threads.get(i).join(); // the sender has stopped...
            open.get(i / 2).close(); // ...so its side half-closes, and the echo ends the stream
        }
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        rows.add(String.format(
                Locale.ROOT,
                "| small messages echoed, %s, %d stream%s (64 awaiting echo per stream) | %.0f messages/s |",
                where,
                streams,
                streams == 1 ? "" : "s at once",
                count / elapsed));
    }

    /** Opens idle streams (one message exchanged each) and measures the data plane's growth. */
    private void idleStreamMemory(LeverClient client, long pid) throws Exception {
        System.err.printf("Memory: %d idle streams ...%n", idleStreams);
        long heapBefore = JvmProbe.heapAfterGc(pid);
        long rssBefore = JvmProbe.rss(pid);
        List<ClientStream> open = new ArrayList<>();
        for (int i = 0; i < idleStreams; i++) {
            ClientStream stream = client.service("dev.lever", SERVICE).invokeChan("echoChan");
            stream.send(i);
            stream.receive(Integer.class);
            open.add(stream);
        }
        long heapAfter = JvmProbe.heapAfterGc(pid);
        long rssAfter = JvmProbe.rss(pid);
        open.forEach(ClientStream::close);
        rows.add(String.format(
                Locale.ROOT,
                "| data-plane memory per open idle stream (%d gRPC streams): heap after GC, RSS | %.1f KB, %.1f KB |",
                idleStreams,
                (heapAfter - heapBefore) / 1024.0 / idleStreams,
                (rssAfter - rssBefore) / 1024.0 / idleStreams));
    }

    private static byte[] randomBlock(int size) {
        byte[] block = new byte[size];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) random.nextInt();
        }
        return block;
    }
}
