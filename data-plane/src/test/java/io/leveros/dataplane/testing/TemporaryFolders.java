package io.leveros.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Temporary folders and files for the test data planes, removed when the test JVM exits: a data plane
 * under test outlives its test method (some are shared by a class), and the system temporary folder
 * would otherwise keep one data folder per data plane started.
 */
public final class TemporaryFolders {
    private static final List<Path> CREATED = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TemporaryFolders::deleteAll, "lever-test-temp-cleanup"));
    }

    private TemporaryFolders() {}

    /** A new folder in the system temporary folder, named {@code prefix} and a number. */
    public static Path folder(String prefix) throws IOException {
        return created(Files.createTempDirectory(prefix));
    }

    /** A new file in the system temporary folder, named {@code prefix}, a number and {@code suffix}. */
    public static Path file(String prefix, String suffix) throws IOException {
        return created(Files.createTempFile(prefix, suffix));
    }

    private static Path created(Path path) {
        CREATED.add(path);
        return path;
    }

    private static void deleteAll() {
        for (Path path : CREATED) {
            try (Stream<Path> tree = Files.walk(path)) {
                for (Path each : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(each); // the deepest first, so that each folder is empty when deleted
                }
            } catch (IOException | UncheckedIOException e) {
                // gone already, or an instance of it is still exiting: the system's cleanup of /tmp takes the rest
            }
        }
    }
}
