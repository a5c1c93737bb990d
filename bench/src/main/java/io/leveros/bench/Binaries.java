package io.leveros.bench;

import java.io.File;
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
}
