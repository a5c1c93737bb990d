package io.leveros.controlplane.node;

import io.leveros.controlplane.security.OwnerOnlyFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** {@code <data-dir>/node-revocations}: a properties file, owner-only, replaced atomically. */
final class FileNodeRevocations implements NodeRevocations {
    private final Path file;

    FileNodeRevocations(Path file) {
        this.file = file;
    }

    @Override
    public Map<String, Long> load() {
        Map<String, Long> revocations = new HashMap<>();
        if (!Files.exists(file)) {
            return revocations;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
        for (String node : properties.stringPropertyNames()) {
            revocations.put(node, Long.parseLong(properties.getProperty(node).trim()));
        }
        return revocations;
    }

    @Override
    public void record(String nodeId, long until) {
        Map<String, Long> revocations = load();
        revocations.merge(nodeId, until, Math::max);
        Properties properties = new Properties();
        revocations.forEach((node, second) -> properties.setProperty(node, Long.toString(second)));
        try {
            StringWriter text = new StringWriter();
            properties.store(text, "node id = epoch second until which its credentials are refused");
            OwnerOnlyFiles.writeAtomically(file, text.toString().getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e, e);
        }
    }
}
