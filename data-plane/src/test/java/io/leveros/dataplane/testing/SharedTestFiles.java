package io.leveros.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What test instances must read although they run as other users (a data plane running as root,
 * as in CI, gives each instance its own uid): the test classpath and the test versions' code
 * folder. What other users cannot reach (Maven's repository in {@code /root}, a checkout in a
 * private home folder) is copied, readable by all, into {@code target/} when other users can
 * traverse it, else into the system temporary folder. Once per test JVM.
 */
final class SharedTestFiles {
    private static String classpath;

    private SharedTestFiles() {}

    /** This build's test classpath, readable by every user. */
    static synchronized String classpath() {
        if (classpath != null) {
            return classpath;
        }
        Path target = Path.of("target").toAbsolutePath();
        try {
            List<Path> entries = new ArrayList<>(List.of(target.resolve("test-classes"), target.resolve("classes")));
            for (String entry : Files.readString(target.resolve("test-classpath.txt"))
                    .trim()
                    .split(":")) {
                entries.add(Path.of(entry));
            }
            Path copies = Files.createDirectories(root().resolve("test-instance-lib"));
            List<String> readable = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                readable.add(readable(entries.get(i), copies, i).toString());
            }
            classpath = String.join(":", readable);
            return classpath;
        } catch (IOException e) {
            throw new UncheckedIOException("run the tests through Maven: target/test-classpath.txt is made by it", e);
        }
    }

    /** A small code folder for test versions (the data plane copies a version's code), readable by all. */
    static Path codeDir() {
        try {
            Path dir = Files.createDirectories(root().resolve("test-service"));
            Path leverJson = dir.resolve("lever.json");
            if (!Files.exists(leverJson)) {
                Files.writeString(leverJson, "{\"name\":\"test\",\"entry\":[\"java\"]}\n");
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code target/}, or a folder in the system temporary folder when other users cannot reach it. */
    private static Path root() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        if (traversable(target)) {
            return target;
        }
        Path shared = Path.of(
                System.getProperty("java.io.tmpdir"), "lever-data-plane-tests-" + System.getProperty("user.name"));
        Files.createDirectories(shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        return shared;
    }

    /** {@code entry} itself when every user can read it, else a copy in {@code copies}. */
    private static Path readable(Path entry, Path copies, int index) throws IOException {
        if (!Files.exists(entry) || readableByAll(entry)) {
            return entry;
        }
        if (Files.isRegularFile(entry)) {
            Path copy = copies.resolve(entry.getFileName());
            if (!Files.exists(copy) || Files.size(copy) != Files.size(entry)) {
                Files.copy(entry, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            }
            return copy;
        }
        Path copy = copies.resolve(index + "-" + entry.getFileName()); // several entries are called classes
        try (Stream<Path> files = Files.walk(entry)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(entry.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
        return copy;
    }

    private static boolean readableByAll(Path path) throws IOException {
        if (!traversable(path)) {
            return false;
        }
        try (Stream<Path> all = Files.walk(path)) {
            return all.allMatch(p -> others(p, PosixFilePermission.OTHERS_READ)
                    && (!Files.isDirectory(p) || others(p, PosixFilePermission.OTHERS_EXECUTE)));
        }
    }

    /** Whether other users can pass through every folder above {@code path}. */
    private static boolean traversable(Path path) {
        for (Path dir = path.getParent(); dir != null; dir = dir.getParent()) {
            if (!others(dir, PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    private static boolean others(Path path, PosixFilePermission permission) {
        try {
            return Files.getPosixFilePermissions(path).contains(permission);
        } catch (IOException e) {
            return false;
        }
    }
}
