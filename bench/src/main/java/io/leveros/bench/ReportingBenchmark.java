package io.leveros.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The data plane's CPU cost of load reporting under a steady call rate (docs/scaling.md): the Node
 * hello is called at a paced rate (default 10,000 calls/s) through the real platform, and the data
 * plane's CPU time is read per thread from {@code /proc/<pid>/task/*&#47;stat} over the window. The
 * reports are built on Vert.x worker threads, which do nothing else while only calls are served,
 * so their CPU time is the reports' cost; sending one is a single gRPC message per 250 ms on an
 * event loop. The per-call part of reporting (counters under the lock each lease takes anyway)
 * cannot be told apart from the call itself and is not in the figure.
 */
public final class ReportingBenchmark {
    private static final Path NODE_HELLO = BenchPlatform.HOME.resolve("examples/helloServiceJS");
    private static final int CLIENTS = 24;
    /** Linux's USER_HZ: the unit of the CPU times in {@code /proc}. */
    private static final double TICKS_PER_SECOND = 100;

    private final int rate;
    private final int seconds;

    private ReportingBenchmark(int rate, int seconds) {
        this.rate = rate;
        this.seconds = seconds;
    }

    public static void main(String[] args) throws Exception {
        int rate = 10_000;
        int seconds = 30;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rate") && i + 1 < args.length) {
                rate = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--seconds") && i + 1 < args.length) {
                seconds = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: bench/run --reporting [--rate CALLS_PER_SECOND] [--seconds N]");
                System.exit(2);
            }
        }
        new ReportingBenchmark(rate, seconds).run();
        System.exit(0);
    }

    private void run() throws Exception {
        System.err.printf(
                "Machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), Runtime.version());
        Path dataDir = Files.createTempDirectory("lever-bench-");
        BenchPlatform.Ports ports = BenchPlatform.Ports.free();
        // No warm runtimes: instances are found by their start environment, which a warm runtime's lacks.
        BenchPlatform platform = BenchPlatform.start(dataDir, ports, "--warm-runtimes", "0");
        try {
            BenchPlatform.lever(dataDir, ports, "deploy", NODE_HELLO.toString());
            long dataPlane = dataPlanePid(ports.http());
            AtomicLong calls = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> runs = new ArrayList<>();
            long periodNanos = 1_000_000_000L * CLIENTS / rate;
            for (int i = 0; i < CLIENTS; i++) {
                runs.add(clients.submit(() -> pacedCalls(ports.http(), periodNanos, running, calls, failures)));
            }
            System.err.printf("Warming up for 10 s at %d calls/s ...%n", rate);
            Thread.sleep(10_000);
            System.err.printf("Measuring for %d s ...%n", seconds);
            Map<String, Long> before = cpuNanosByThreadKind(dataPlane);
            Map<String, Long> processesBefore = cpuNanosByProcess(dataPlane);
            long callsBefore = calls.get();
            long start = System.nanoTime();
            Thread.sleep(seconds * 1_000L);
            double elapsed = (System.nanoTime() - start) / 1e9;
            long served = calls.get() - callsBefore;
            Map<String, Long> after = cpuNanosByThreadKind(dataPlane);
            Map<String, Long> processesAfter = cpuNanosByProcess(dataPlane);
            int instances = readyInstances(ports.http());
            running.set(false);
            for (Future<?> run : runs) {
                run.get();
            }
            clients.shutdown();

            System.out.println();
            System.out.println("| measure | result |");
            System.out.println("|---|---|");
            System.out.printf(
                    Locale.ROOT,
                    "| calls served (Node hello, HTTP, %d paced clients) | %.0f calls/s (asked %d; %d failed) |%n",
                    CLIENTS,
                    served / elapsed,
                    rate,
                    failures.get());
            System.out.printf("| ready instances of the Node hello at the end | %s |%n", instances);
            for (String process : processesAfter.keySet()) {
                print(
                        "CPU, " + process,
                        processesAfter.get(process) - processesBefore.getOrDefault(process, 0L),
                        elapsed);
            }
            for (String kind : List.of("event loops", "report workers", "JVM (GC, JIT, VM)", "other")) {
                print("data plane CPU, " + kind, after.getOrDefault(kind, 0L) - before.getOrDefault(kind, 0L), elapsed);
            }
            long reports = after.getOrDefault("report workers", 0L) - before.getOrDefault("report workers", 0L);
            System.out.printf(
                    Locale.ROOT,
                    "| report workers' CPU per call | %.0f ns |%n",
                    reports / (double) Math.max(1, served));
        } finally {
            platform.stop();
        }
    }

    /** The Node hello's ready instances, from the data plane's metrics. */
    private static int readyInstances(int httpPort) throws IOException, InterruptedException {
        return (int) BenchPlatform.sum(
                BenchPlatform.metrics(httpPort),
                "lever_dataplane_instances",
                "service",
                "helloService",
                "state",
                "ready");
    }

    private static void print(String measure, long cpuNanos, double seconds) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %.2f %% of one core (%.2f ms/s) |%n",
                measure,
                100 * cpuNanos / 1e9 / seconds,
                cpuNanos / 1e6 / seconds);
    }

    /** CPU time so far of the data plane, the control plane, the instances and this load generator. */
    private static Map<String, Long> cpuNanosByProcess(long dataPlane) throws IOException {
        Map<String, Long> nanos = new LinkedHashMap<>();
        nanos.put("data plane", cpuNanos(dataPlane));
        nanos.put("load generator (this JVM)", cpuNanos(ProcessHandle.current().pid()));
        long instances = 0;
        long controlPlane = 0;
        for (Path proc : BenchPlatform.processes()) {
            try {
                long pid = Long.parseLong(proc.getFileName().toString());
                String environ = Files.readString(proc.resolve("environ"));
                String command = Files.readString(proc.resolve("cmdline"));
                if (environ.contains("LEVEROS_SERVICE=helloService\0")) {
                    instances += cpuNanos(pid);
                } else if (command.contains("lever-control-plane")) {
                    controlPlane += cpuNanos(pid);
                }
            } catch (IOException | RuntimeException e) {
                // gone, or not ours
            }
        }
        nanos.put("instances (Node hello)", instances);
        nanos.put("control plane", controlPlane);
        return nanos;
    }

    /** One client: a call every {@code periodNanos}, catching up when late. */
    private static Void pacedCalls(
            int port, long periodNanos, AtomicBoolean running, AtomicLong calls, AtomicLong failures) {
        long next = System.nanoTime();
        KeepAliveHttpClient client = null;
        while (running.get()) {
            try {
                if (client == null) {
                    client = new KeepAliveHttpClient(port, "/helloService/sayHello", "[\"bench\"]");
                }
                client.call();
                calls.incrementAndGet();
            } catch (IOException e) {
                failures.incrementAndGet();
                client = null;
            }
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        return null;
    }

    /**
     * The data plane's CPU time so far in nanoseconds, summed per kind of thread: the first field of
     * {@code schedstat} (time on a CPU, in ns; {@code stat}'s 10 ms ticks are too coarse for the
     * reports).
     */
    private static Map<String, Long> cpuNanosByThreadKind(long pid) throws IOException {
        Map<String, Long> nanos = new HashMap<>();
        try (var threads = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path thread : threads.toList()) {
                try {
                    String name = Files.readString(thread.resolve("comm")).trim();
                    String schedstat = Files.readString(thread.resolve("schedstat"));
                    nanos.merge(kind(name), Long.parseLong(schedstat.substring(0, schedstat.indexOf(' '))), Long::sum);
                } catch (IOException e) {
                    // the thread ended
                }
            }
        }
        return nanos;
    }

    /** A process's CPU time so far (utime + stime of all its threads), in nanoseconds. */
    private static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * (long) (1e9 / TICKS_PER_SECOND);
        } catch (IOException e) {
            return 0; // gone
        }
    }

    /** Thread names as {@code /proc} shows them: the first 15 characters. */
    private static String kind(String name) {
        if (name.startsWith("vert.x-eventloo")) {
            return "event loops";
        }
        if (name.startsWith("vert.x-worker-t")) {
            return "report workers";
        }
        if (name.startsWith("GC")
                || name.startsWith("G1 ")
                || name.startsWith("C1 ")
                || name.startsWith("C2 ")
                || name.equals("VM Thread")) {
            return "JVM (GC, JIT, VM)";
        }
        return "other";
    }

    private static long dataPlanePid(int httpPort) throws IOException {
        for (Path proc : BenchPlatform.processes()) {
            try {
                String command = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                if (command.contains("io.leveros.dataplane.DataPlaneMain")
                        && command.contains("--port " + httpPort + " ")) {
                    return Long.parseLong(proc.getFileName().toString());
                }
            } catch (IOException | UncheckedIOException e) {
                // gone, or not ours
            }
        }
        throw new IllegalStateException("no data plane process with --port " + httpPort);
    }
}
