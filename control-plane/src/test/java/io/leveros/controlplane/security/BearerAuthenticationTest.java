package io.leveros.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerAuthenticationTest {
    @TempDir
    Path dir;

    @Test
    void findsTheCallerOrSaysWhatIsWrongWithTheHeader() {
        AccessToken root = AccessToken.loadOrCreate(dir.resolve("token"));
        TokenRegistry tokens = new TokenRegistry(root, new TokenFile(dir.resolve("tokens.json")), Clock.systemUTC());
        String ci = tokens.create(new TokenRequest("ci", Scope.READ, List.of()), "root")
                .token();
        BearerAuthentication bearer = new BearerAuthentication(tokens);

        assertThat(bearer.authenticate("Bearer " + root.value()).caller().token())
                .isEqualTo("root");
        assertThat(bearer.authenticate("bearer  " + ci + " ").caller())
                .isEqualTo(new Caller("ci", Scope.READ, List.of()));
        assertThat(bearer.authenticate(null).problem()).isEqualTo("missing the header 'Authorization: Bearer <token>'");
        assertThat(bearer.authenticate(" ").problem()).startsWith("missing the header");
        assertThat(bearer.authenticate("Basic cm9vdDpyb290").problem())
                .isEqualTo("the Authorization header is not a bearer token (expected: 'Bearer <token>')");
        BearerAuthentication.Result wrong = bearer.authenticate("Bearer lvt_wrong");
        assertThat(wrong.caller()).isNull();
        assertThat(wrong.problem()).startsWith("the bearer token is not a token of this control plane");
    }
}
