package io.leveros.controlplane.node;

import io.leveros.controlplane.security.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code <data-dir>/join-tokens.json}: {@code {"format": 1, "tokens": [...]}}, mode 0600, replaced
 * atomically on every change. Holds hashes only, never a join token's secret.
 */
final class JoinTokenFile implements JoinTokenStore {
    private static final int FORMAT = 1;
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path file;

    JoinTokenFile(Path file) {
        this.file = file;
    }

    record Content(int format, List<JoinTokens.StoredJoinToken> tokens) {}

    @Override
    public synchronized void add(JoinTokens.StoredJoinToken token) {
        List<JoinTokens.StoredJoinToken> next = new ArrayList<>(load());
        next.add(token);
        save(next);
    }

    @Override
    public synchronized boolean remove(String id) {
        List<JoinTokens.StoredJoinToken> next = new ArrayList<>(load());
        if (!next.removeIf(token -> token.id().equals(id))) {
            return false;
        }
        save(next);
        return true;
    }

    @Override
    public synchronized List<JoinTokens.StoredJoinToken> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            OwnerOnlyFiles.restrict(file);
            Content content = JSON.readValue(file.toFile(), Content.class);
            if (content.format() != FORMAT || content.tokens() == null) {
                throw new IllegalStateException("join token file " + file + " has format " + content.format()
                        + " (expected: " + FORMAT + "); it was written by another version of Lever");
            }
            return List.copyOf(content.tokens());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the join token file " + file + ": " + e, e);
        } catch (JacksonException e) {
            throw new IllegalStateException(
                    "the join token file " + file + " is not valid JSON (" + e.getOriginalMessage()
                            + "); delete it to revoke every join token",
                    e);
        }
    }

    private void save(List<JoinTokens.StoredJoinToken> tokens) {
        try {
            OwnerOnlyFiles.writeAtomically(file, JSON.writeValueAsBytes(new Content(FORMAT, tokens)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the join token file " + file + ": " + e, e);
        }
    }
}
