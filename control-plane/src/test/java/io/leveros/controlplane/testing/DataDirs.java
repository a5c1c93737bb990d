package io.leveros.controlplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Data folders for the control planes the tests start (each test class its own). */
public final class DataDirs {
    private DataDirs() {}

    /** A new empty folder named after {@code testClass}. */
    public static Path create(Class<?> testClass) {
        try {
            return Files.createTempDirectory("lever-" + testClass.getSimpleName() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
