package io.leveros.controlplane.security;

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
 * {@code <data-dir>/tokens.json}: {@code {"format": 1, "tokens": [TokenRecord]}}, mode 0600, replaced
 * atomically on every change. Holds hashes only, never a token's secret.
 */
final class TokenFile implements TokenStore {
    private static final int FORMAT = 1;
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path file;

    TokenFile(Path file) {
        this.file = file;
    }

    record Content(int format, List<TokenRecord> tokens) {}

    /** The tokens in the file; none if there is no file yet. */
    @Override
    public List<TokenRecord> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            OwnerOnlyFiles.restrict(file);
            Content content = JSON.readValue(file.toFile(), Content.class);
            if (content.format() != FORMAT || content.tokens() == null) {
                throw new IllegalStateException("token file " + file + " has format " + content.format()
                        + " (expected: " + FORMAT + "); it was written by another version of Lever");
            }
            return List.copyOf(content.tokens());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token file " + file + ": " + e, e);
        } catch (JacksonException e) {
            throw new IllegalStateException(
                    "the token file " + file + " is not valid JSON (" + e.getOriginalMessage()
                            + "); restore it from a backup, or delete it to revoke every named token",
                    e);
        }
    }

    @Override
    public boolean add(TokenRecord token) {
        List<TokenRecord> tokens = new ArrayList<>(load());
        if (tokens.stream().anyMatch(t -> t.name().equals(token.name()))) {
            return false;
        }
        tokens.add(token);
        save(tokens);
        return true;
    }

    @Override
    public boolean remove(String name) {
        List<TokenRecord> tokens = new ArrayList<>(load());
        if (!tokens.removeIf(t -> t.name().equals(name))) {
            return false;
        }
        save(tokens);
        return true;
    }

    private void save(List<TokenRecord> tokens) {
        try {
            OwnerOnlyFiles.writeAtomically(file, JSON.writeValueAsBytes(new Content(FORMAT, tokens)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token file " + file + ": " + e, e);
        }
    }
}
