package io.leveros.dataplane.isolation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/**
 * Makes the platform's files that instances run (the Java runtime's jars, its class-data archive,
 * the Node runtime) readable by instances running as other users. A file every user can already
 * reach and read is used where it is; otherwise (e.g. in {@code /root}, mode 0700) it is copied
 * once into the instance folder, world-readable and read-only, keeping modification times (the JVM
 * checks them against its class-data archive).
 */
final class RuntimeFiles {
    private static final System.Logger LOG = System.getLogger(RuntimeFiles.class.getName());

    private final InstanceFolder folder;

    RuntimeFiles(InstanceFolder folder) {
        this.folder = folder;
    }

    /** {@code original}, or a copy named {@code name} that every user can read. Blocking. */
    Path readable(Path original, String name) {
        try {
            Path real = original.toRealPath();
            if (Folders.readableByOthers(real)) {
                return original;
            }
            Path copy = folder.runtime(name);
            Folders.delete(copy);
            Folders.copy(real, copy, "r--r--r--", "r-xr-xr-x", -1);
            LOG.log(
                    Level.INFO,
                    "instances read {0} from a copy, {1}: other users cannot read it there",
                    original,
                    copy);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("could not make " + original + " readable by instances: " + e, e);
        }
    }
}
