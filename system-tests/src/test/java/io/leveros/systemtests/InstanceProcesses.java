package io.leveros.systemtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds processes by a variable in their environment, through {@code /proc} (Linux). */
final class InstanceProcesses {
    private InstanceProcesses() {}

    static List<Long> withEnv(String variable) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String environ = new String(Files.readAllBytes(entry.resolve("environ")), StandardCharsets.UTF_8);
                    if (("\0" + environ).contains("\0" + variable + "\0") && isRunning(entry)) {
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
