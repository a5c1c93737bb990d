package io.leveros.dataplane.isolation;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Processes an instance left behind (a daemon it forked escapes the parent-death signal), found by
 * the instance's uid and killed before the uid is given to another instance, which they could
 * otherwise read and signal.
 */
final class StrayProcesses {
    private static final Path PROC = Path.of("/proc");

    private StrayProcesses() {}

    static void kill(int uid) {
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, StrayProcesses::isPid)) {
            for (Path process : processes) {
                try {
                    if ((int) Files.getAttribute(process, "unix:uid") == uid) {
                        ProcessHandle.of(Long.parseLong(process.getFileName().toString()))
                                .ifPresent(ProcessHandle::destroyForcibly);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to find
        }
    }

    /** Whether {@code path} is a process's folder in {@code /proc}. */
    static boolean isPid(Path path) {
        String name = path.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }
}
