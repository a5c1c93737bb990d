package io.leveros.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleSessionsTest {
    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class Hands extends Clock {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final Hands clock = new Hands();

    private TokenRegistry tokens() {
        return new TokenRegistry(
                AccessToken.loadOrCreate(dir.resolve("token")), new TokenFile(dir.resolve("tokens.json")), clock);
    }

    @Test
    void aCodeSignsInOnceWithinItsLifetime() {
        ConsoleSessions sessions = new ConsoleSessions(tokens(), clock);
        Caller root = new Caller("root", Scope.ADMIN, List.of());

        ConsoleSessions.SignInCode code = sessions.issueCode(root);
        ConsoleSessions.SignedIn signedIn = sessions.signInWithCode(code.code()).orElseThrow();
        assertThat(signedIn.caller()).isEqualTo(root);
        assertThat(sessions.signInWithCode(code.code())).isEmpty();
        assertThat(sessions.caller(signedIn.sessionId())).contains(root);

        ConsoleSessions.SignInCode late = sessions.issueCode(root);
        clock.now = clock.now.plus(ConsoleSessions.CODE_LIFETIME);
        assertThat(sessions.signInWithCode(late.code())).isEmpty();
    }

    @Test
    void aSessionEndsWhenSignedOutOrExpired() {
        ConsoleSessions sessions = new ConsoleSessions(tokens(), clock);
        Caller root = new Caller("root", Scope.ADMIN, List.of());
        String first = sessions.signInWithCode(sessions.issueCode(root).code())
                .orElseThrow()
                .sessionId();
        String second = sessions.signInWithCode(sessions.issueCode(root).code())
                .orElseThrow()
                .sessionId();

        sessions.end(first);
        assertThat(sessions.caller(first)).isEmpty();
        assertThat(sessions.caller(second)).isPresent();

        clock.now = clock.now.plus(ConsoleSessions.SESSION_LIFETIME).minus(Duration.ofSeconds(1));
        assertThat(sessions.caller(second)).isPresent();
        clock.now = clock.now.plus(Duration.ofSeconds(1));
        assertThat(sessions.caller(second)).isEmpty();
        assertThat(sessions.caller("never-issued")).isEmpty();
    }
}
