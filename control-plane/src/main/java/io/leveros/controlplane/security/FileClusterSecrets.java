package io.leveros.controlplane.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** File mode: each secret in {@code <data-dir>/<name>}, owner-only, made on first start. */
public final class FileClusterSecrets implements ClusterSecrets {
    private final Path dataDir;

    public FileClusterSecrets(Path dataDir) {
        this.dataDir = dataDir;
    }

    @Override
    public String readOrCreate(String name) {
        Path file = dataDir.resolve(name);
        try {
            return OwnerOnlyFiles.readOrCreateSecret(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secret file " + file + ": " + e, e);
        }
    }
}
