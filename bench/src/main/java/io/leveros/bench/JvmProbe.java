package io.leveros.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Looks at the platform's JVMs from outside: heap after a full GC ({@code jcmd}), RSS, CPU time. */
final class JvmProbe {
    private static final Pattern GENERATION_USED = Pattern.compile("(?m)^\\S.*total \\d+K, used (\\d+)K");
    private static final long TICKS_PER_SECOND = 100;

    private JvmProbe() {}

    /** The pid of the one process whose command line contains {@code fragment}. */
    static long pidOf(String fragment) throws IOException {
        for (Path proc : BenchPlatform.processes()) {
            try {
                String command = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                if (command.contains(fragment) && !command.contains("jcmd")) {
                    return Long.parseLong(proc.getFileName().toString());
                }
            } catch (IOException | UncheckedIOException e) {
                // gone, or not ours
            }
        }
        throw new IllegalStateException("no process whose command line contains '" + fragment + "'");
    }

    /** The pid of the one process whose environment contains {@code variable} ({@code NAME=value}). */
    static long pidWithEnv(String variable) throws IOException {
        for (Path proc : BenchPlatform.processes()) {
            try {
                String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
                if (environ.contains("\0" + variable + "\0") || environ.startsWith(variable + "\0")) {
                    return Long.parseLong(proc.getFileName().toString());
                }
            } catch (IOException | UncheckedIOException e) {
                // gone, or not ours
            }
        }
        throw new IllegalStateException("no process with " + variable + " in its environment");
    }

    /** The port an instance serves on: the {@code LEVEROS_PORT} it was started with. */
    static int instancePort(long pid) throws IOException {
        String environ =
                new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
        for (String variable : environ.split("\0")) {
            if (variable.startsWith("LEVEROS_PORT=")) {
                return Integer.parseInt(variable.substring("LEVEROS_PORT=".length()));
            }
        }
        throw new IllegalStateException("the instance (pid " + pid + ") has no LEVEROS_PORT in its environment");
    }

    /** A full GC of process {@code pid} ({@code jcmd GC.run}): its young generation is empty after it. */
    static void collect(long pid) throws Exception {
        jcmd(pid, "GC.run");
    }

    /** Bytes used in all heap generations right after a full GC ({@code jcmd GC.run}, {@code GC.heap_info}). */
    static long heapAfterGc(long pid) throws Exception {
        collect(pid);
        String info = jcmd(pid, "GC.heap_info");
        Matcher used = GENERATION_USED.matcher(info);
        long kilobytes = 0;
        boolean found = false;
        while (used.find()) {
            kilobytes += Long.parseLong(used.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("jcmd " + pid + " GC.heap_info answered no generation: " + info);
        }
        return kilobytes * 1024;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process jcmd = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        return output;
    }

    static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    /** A process's CPU time so far (utime + stime of all its threads), in nanoseconds; 0 once it is gone. */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The machine's CPU time so far, all cores (user, nice, system, irq, softirq and steal in {@code
     * /proc/stat}), in nanoseconds: what a path costs everyone taking part, client and instance too.
     */
    static long machineCpuNanos() {
        try {
            String[] fields =
                    Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long ticks = 0;
            for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
                ticks += Long.parseLong(fields[field]);
            }
            return ticks * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException e) {
            throw new UncheckedIOException("reading /proc/stat: " + e.getMessage(), e);
        }
    }
}
