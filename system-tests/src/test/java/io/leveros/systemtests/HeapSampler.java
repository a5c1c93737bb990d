package io.leveros.systemtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples another JVM's heap in use (all generations, live and not yet collected) with {@code jcmd
 * <pid> GC.heap_info}, a few times a second, and keeps the largest value seen.
 */
final class HeapSampler implements AutoCloseable {
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    private static final Pattern GENERATION_USED = Pattern.compile("(?m)^\\S.*total \\d+K, used (\\d+)K");

    private final long pid;
    private final AtomicLong maxUsed = new AtomicLong();
    private final Thread sampler;
    private volatile boolean running = true;

    HeapSampler(long pid) {
        this.pid = pid;
        maxUsed.set(usedBytes(pid));
        this.sampler = Thread.ofPlatform().daemon().start(() -> {
            while (running) {
                maxUsed.accumulateAndGet(usedBytes(pid), Math::max);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** The largest heap use seen so far, in bytes. */
    long maxUsedBytes() {
        return maxUsed.get();
    }

    /** The heap in use now (every generation, garbage not yet collected included), in bytes. */
    static long usedBytes(long pid) {
        String output = jcmd(pid, "GC.heap_info");
        long kilobytes = 0;
        // e.g. "DefNew     total 116160K, used 82999K [...]" and "Tenured    total 258048K, used 1166K"
        Matcher generation = GENERATION_USED.matcher(output);
        while (generation.find()) {
            kilobytes += Long.parseLong(generation.group(1));
        }
        if (kilobytes == 0) {
            throw new IllegalStateException("no heap figures in: " + output);
        }
        return kilobytes * 1024;
    }

    /** The heap in use after a full collection: what the JVM holds on to, in bytes. */
    static long usedAfterFullGc(long pid) {
        jcmd(pid, "GC.run");
        return usedBytes(pid);
    }

    private static String jcmd(long pid, String command) {
        try {
            Process jcmd = new ProcessBuilder(JCMD.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor();
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join();
    }
}
