package io.leveros.bench;

import io.leveros.client.ClientStream;
import io.leveros.client.LeverClient;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures streaming methods on this machine (docs/benchmarks.md): byte-stream throughput through
 * the data plane (gRPC and HTTP) and directly to the instance, small-message rate on 1 and 100
 * concurrent streams, and the data plane's memory per open idle stream. The service is the Java
 * test service's {@code echoChan}. Prints a Markdown table.
 */
public final class StreamBenchmark {
    private static final Path TEST_SERVICE_CLASSES =
            BenchPlatform.HOME.resolve("system-tests/services/java/target/classes");
    private static final int BLOCK = 64 * 1024;
    /** Messages a stream of the message-rate test may have awaiting their echo. */
    private static final int WINDOW = 64;

    private final long megabytes;
    private final int seconds;
    private final int idleStreams;
    private final List<String> rows = new ArrayList<>();

    private StreamBenchmark(long megabytes, int seconds, int idleStreams) {
        this.megabytes = megabytes;
        this.seconds = seconds;
        this.idleStreams = idleStreams;
    }

    public static void main(String[] args) throws Exception {
        long megabytes = 1024;
        int seconds = 10;
        int idle = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--megabytes" -> megabytes = Long.parseLong(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--idle-streams" -> idle = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: bench/run --streams [--megabytes N] [--seconds N] [--idle-streams N]");
                    System.exit(2);
                }
            }
        }
        new StreamBenchmark(megabytes, seconds, idle).run();
        System.exit(0);
    }

    private void run() throws Exception {
        System.err.printf(
                "Machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), Runtime.version());
        Path service = BenchPlatform.serviceFolder(
                TEST_SERVICE_CLASSES,
                "{\"name\": \"streamBench\", \"javaEntry\": \"io.leveros.testservice.TestService\","
                        + " \"maxInstanceLoad\": 100000}");
        Path dataDir = Files.createTempDirectory("lever-bench-");
        BenchPlatform.Ports ports = BenchPlatform.Ports.free();
        BenchPlatform platform = BenchPlatform.start(dataDir, ports);
        try {
            BenchPlatform.lever(dataDir, ports, "deploy", service.toString());
            String dataPlane = "127.0.0.1:" + ports.http();
            try (LeverClient client = LeverClient.connect(dataPlane)) {
                throughput("gRPC (Java SDK) through the data plane", client);
                throughputOverHttp(ports.http());
                messageRate("through the data plane", client, 1);
                messageRate("through the data plane", client, 100);
                idleStreamMemory(client, dataPlanePid(ports.http()));
            }
        } finally {
            platform.stop();
        }
        int port = BenchPlatform.freePort();
        Process instance =
                BenchPlatform.startInstance(service, "io.leveros.testservice.TestService", "streamBench", port);
        try (LeverClient client = LeverClient.connect("127.0.0.1:" + port)) {
            throughput("gRPC (Java SDK) directly to the instance", client);
            messageRate("directly to the instance", client, 1);
            messageRate("directly to the instance", client, 100);
        } finally {
            instance.destroy();
            instance.waitFor(15, TimeUnit.SECONDS);
        }
        System.out.println();
        System.out.println("| measure | result |");
        System.out.println("|---|---|");
        rows.forEach(System.out::println);
    }

    /** A byte stream echoed: 64 KiB messages sent while the echo is read; payload MB/s one way. */
    private void throughput(String name, LeverClient client) throws Exception {
        System.err.printf("Throughput: %s, %d MB echoed (+64 MB warm-up) ...%n", name, megabytes);
        echo(client, 64);
        double seconds = echo(client, megabytes);
        rows.add(String.format(
                Locale.ROOT,
                "| byte stream echoed, %s (64 KiB messages, %d MB each way) | %.0f MB/s |",
                name,
                megabytes,
                megabytes / seconds));
    }

    private static double echo(LeverClient client, long megabytes) throws Exception {
        long total = megabytes << 20;
        ClientStream stream = client.service("dev.lever", "streamBench").invokeChan("echoChan");
        long start = System.nanoTime();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            byte[] block = randomBlock();
            for (long sent = 0; sent < total; sent += BLOCK) {
                stream.send(block);
            }
            stream.close();
        });
        long received = 0;
        for (ClientStream.Message message : stream) {
            received += message.bytes().length;
        }
        writer.get(1, TimeUnit.MINUTES);
        if (received != total) {
            throw new IllegalStateException("echoed " + received + " bytes of " + total);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** The same through the HTTP API, with curl: the body is the args line and then raw bytes. */
    private void throughputOverHttp(int port) throws Exception {
        Path body = Files.createTempFile("lever-bench-stream", ".bin");
        try {
            try (OutputStream out = Files.newOutputStream(body)) {
                out.write("[]\n".getBytes(StandardCharsets.UTF_8));
                byte[] block = randomBlock();
                for (long written = 0; written < megabytes << 20; written += BLOCK) {
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
                        "http://127.0.0.1:" + port + "/streamBench/echoChan")
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
            ClientStream stream = client.service("dev.lever", "streamBench").invokeChan("echoChan");
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
            ClientStream stream = client.service("dev.lever", "streamBench").invokeChan("echoChan");
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

    private static long dataPlanePid(int port) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .commandLine()
                        .orElse("")
                        .contains("io.leveros.dataplane.DataPlaneMain --port " + port + " "))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no data plane on port " + port))
                .pid();
    }

    private static byte[] randomBlock() {
        byte[] block = new byte[BLOCK];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) random.nextInt();
        }
        return block;
    }
}
