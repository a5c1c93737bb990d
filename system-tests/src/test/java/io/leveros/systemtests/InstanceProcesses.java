package io.leveros.systemtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Finds processes by their environment or command line, through {@code /proc} (Linux). */
final class InstanceProcesses {
    private InstanceProcesses() {}

    /** The processes with {@code variable} (NAME=value) in their environment. */
    static List<Long> withEnv(String variable) {
        return matching("environ", variable);
    }

    /** The processes whose command line has these arguments in a row. */
    static List<Long> withArguments(String... arguments) {
        return matching("cmdline", String.join("\0", arguments));
    }

    /** The warm runtimes (Java or Node) still waiting to be told what to serve: {@code ... --warm}. */
    static List<Long> warmRuntimes() {
        return matching(
                "cmdline",
                text -> text.endsWith("\0--warm\0")
                        && (text.contains("\0io.leveros.runtime.JavaRuntimeMain\0")
                                || text.contains("/lever-node-runtime.js\0")));
    }

    private static List<Long> matching(String file, String entryText) {
        return matching(file, text -> ("\0" + text).contains("\0" + entryText + "\0"));
    }

    private static List<Long> matching(String file, Predicate<String> matches) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String text = new String(Files.readAllBytes(entry.resolve(file)), StandardCharsets.UTF_8);
                    if (matches.test(text) && isRunning(entry)) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException | SecurityException e) {
                    // gone, or not ours to read
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return pids;
    }

    private static boolean isRunning(Path proc) throws IOException {
        String stat = Files.readString(proc.resolve("stat"));
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
    }
}
