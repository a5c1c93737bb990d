package io.leveros.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleSessionsTest {
    @TempDir
    Path dir;

    final FailedAuthenticationsTest.MutableClock clock = new FailedAuthenticationsTest.MutableClock();

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
        clock.advance(ConsoleSessions.CODE_LIFETIME);
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

        clock.advance(ConsoleSessions.SESSION_LIFETIME.minus(Duration.ofSeconds(1)));
        assertThat(sessions.caller(second)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.caller(second)).isEmpty();
        assertThat(sessions.caller("never-issued")).isEmpty();
    }
}
