package io.leveros.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds the tools a benchmark runs that are not part of the project (h2load, nginx, haproxy). */
final class Binaries {
    private Binaries() {}

    /** The executable {@code name} on the PATH, or in the sbin folders a user's PATH often leaves out. */
    static Optional<Path> find(String name) {
        List<String> folders =
                new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        folders.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
        return folders.stream()
                .filter(folder -> !folder.isEmpty())
                .map(folder -> Path.of(folder, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The first line {@code binary versionFlag} prints (on either stream), up to a " - ", as the tool's version. */
    static String version(Path binary, String versionFlag) {
        try {
            Process process = new ProcessBuilder(binary.toString(), versionFlag)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            String first = output.lines().findFirst().orElse("").trim();
            int dash = first.indexOf(" - ");
            return dash < 0 ? first : first.substring(0, dash);
        } catch (IOException e) {
            return binary + " " + versionFlag + " failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return binary + " " + versionFlag + " was interrupted";
        }
    }
}
