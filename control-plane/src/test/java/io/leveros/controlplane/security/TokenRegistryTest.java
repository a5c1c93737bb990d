package io.leveros.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenRegistryTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private TokenRegistry open() {
        return new TokenRegistry(
                AccessToken.loadOrCreate(dir.resolve("token")), new TokenFile(dir.resolve("tokens.json")), CLOCK);
    }

    @Test
    void makesTokensThatAuthenticateWithTheirScopeAndKeepsOnlyTheirHashes() throws IOException {
        TokenRegistry tokens = open();
        CreatedToken ci = tokens.create(new TokenRequest("ci", Scope.DEPLOY, List.of("dev.lever")), "root");

        assertThat(ci.token()).matches("lvt_[A-Za-z0-9_-]{43}");
        assertThat(ci.info())
                .isEqualTo(new TokenInfo("ci", Scope.DEPLOY, List.of("dev.lever"), CLOCK.instant(), "root", false));
        assertThat(tokens.authenticate(ci.token())).contains(new Caller("ci", Scope.DEPLOY, List.of("dev.lever")));
        assertThat(tokens.authenticate(ci.token() + "x")).isEmpty();
        assertThat(tokens.authenticate("lvt_")).isEmpty();
        assertThat(tokens.authenticate(Files.readString(dir.resolve("token"))))
                .contains(new Caller("root", Scope.ADMIN, List.of()));

        Path file = dir.resolve("tokens.json");
        String stored = Files.readString(file);
        assertThat(stored).doesNotContain(ci.token()).doesNotContain(ci.token().substring(4));
        assertThat(stored).contains(TokenRegistry.sha256(ci.token()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("token", "tokens.json");

        TokenRegistry reopened = open();
        assertThat(reopened.authenticate(ci.token())).isPresent();
        assertThat(reopened.list()).extracting(TokenInfo::name).containsExactly("root", "ci");
        assertThat(reopened.list().getFirst().builtIn()).isTrue();
    }

    @Test
    void refusesDuplicateNamesIncludingRoot() {
        TokenRegistry tokens = open();
        tokens.create(new TokenRequest("ci", Scope.READ, List.of()), "root");
        for (String name : List.of("ci", "root")) {
            assertThatThrownBy(() -> tokens.create(new TokenRequest(name, Scope.READ, List.of()), "root"))
                    .extracting(e -> ((ControlPlaneException) e).code())
                    .isEqualTo(ErrorCode.TOKEN_EXISTS);
        }
    }

    @Test
    void revokedTokensStopWorkingAndRootCannotBeRevoked() {
        TokenRegistry tokens = open();
        CreatedToken ci = tokens.create(new TokenRequest("ci", Scope.ADMIN, List.of()), "root");
        tokens.revoke("ci");
        assertThat(tokens.authenticate(ci.token())).isEmpty();
        assertThat(open().authenticate(ci.token())).isEmpty();
        assertThatThrownBy(() -> tokens.revoke("ci"))
                .extracting(e -> ((ControlPlaneException) e).code())
                .isEqualTo(ErrorCode.TOKEN_NOT_FOUND);
        assertThatThrownBy(() -> tokens.revoke("root"))
                .hasMessageContaining("built in")
                .extracting(e -> ((ControlPlaneException) e).code())
                .isEqualTo(ErrorCode.BUILT_IN_TOKEN);
    }

    @Test
    void aDamagedTokenFileStopsTheStartWithAMessageNamingIt() throws IOException {
        Files.writeString(dir.resolve("tokens.json"), "{\"format\": 1, \"tokens\": [");
        assertThatThrownBy(this::open)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("tokens.json") + " is not valid JSON");
    }
}
