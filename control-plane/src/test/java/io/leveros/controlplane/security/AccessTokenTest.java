package io.leveros.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTokenTest {
    @TempDir
    Path dir;

    @Test
    void isMadeOnceWithOwnerOnlyPermissionsAndReused() throws IOException {
        Path file = dir.resolve("data/token");
        AccessToken first = AccessToken.loadOrCreate(file);

        assertThat(first.value()).matches("[A-Za-z0-9_-]{43}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(AccessToken.loadOrCreate(file).value()).isEqualTo(first.value());
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    @Test
    void tightensLoosePermissionsAndReplacesAnEmptyFile() throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, "kept-token\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(AccessToken.loadOrCreate(file).value()).isEqualTo("kept-token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");

        Files.writeString(file, "");
        assertThat(AccessToken.loadOrCreate(file).value()).hasSize(43);
    }

    @Test
    void matchesOnlyTheToken() {
        AccessToken token = AccessToken.loadOrCreate(dir.resolve("token"));
        assertThat(token.matches(token.value())).isTrue();
        assertThat(token.matches(token.value() + "x")).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.matches(null)).isFalse();
    }
}
