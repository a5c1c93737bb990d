package io.leveros.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

class TokenRequestTest {
    private static final JsonMapper JSON = new JsonMapper();

    @Test
    void readsNameScopeAndEnvironments() {
        assertThat(parse("{\"name\": \"ci\", \"scope\": \"deploy\", \"environments\": [\"dev.lever\", \"dev.lever\"]}"))
                .isEqualTo(new TokenRequest("ci", Scope.DEPLOY, List.of("dev.lever")));
        assertThat(parse("{\"name\": \"a.b_c-9\", \"scope\": \"read\"}"))
                .isEqualTo(new TokenRequest("a.b_c-9", Scope.READ, List.of()));
        assertThat(parse("{\"name\": \"x\", \"scope\": \"admin\", \"environments\": []}"))
                .isEqualTo(new TokenRequest("x", Scope.ADMIN, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "[]                                                              | must be a JSON object",
                "{\"name\": \"ci\", \"scope\": \"read\", \"owner\": \"me\"}     | unknown field 'owner'",
                "{\"scope\": \"read\"}                                           | token name (missing) is not valid",
                "{\"name\": \"CI\", \"scope\": \"read\"}                         | token name 'CI' is not valid",
                "{\"name\": \"-ci\", \"scope\": \"read\"}                        | token name '-ci' is not valid",
                "{\"name\": 7, \"scope\": \"read\"}                              | token name 7 is not valid",
                "{\"name\": \"ci\", \"scope\": \"root\"}                         | scope \"root\" of token 'ci' is not valid",
                "{\"name\": \"ci\"}                                              | scope (missing) of token 'ci'",
                "{\"name\": \"ci\", \"scope\": \"read\", \"environments\": [\"dev.lever\"]} | has scope read",
                "{\"name\": \"ci\", \"scope\": \"deploy\", \"environments\": \"dev.lever\"} | (expected: an array",
                "{\"name\": \"ci\", \"scope\": \"deploy\", \"environments\": [\"Dev\"]}    | environment name 'Dev'",
                "{\"name\": \"ci\", \"scope\": \"deploy\", \"environments\": [1]}          | 1 is not a string",
            })
    void refusesWhatIsNotValidWithAMessageNamingIt(String body, String message) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(ControlPlaneException.class)
                .hasMessageContaining(message)
                .extracting(e -> ((ControlPlaneException) e).code())
                .isEqualTo(ErrorCode.INVALID_TOKEN_REQUEST);
    }

    @Test
    void aNameMayHave63Characters() {
        String longest = "a".repeat(63);
        assertThat(parse("{\"name\": \"" + longest + "\", \"scope\": \"read\"}").name())
                .isEqualTo(longest);
        assertThatThrownBy(() -> parse("{\"name\": \"" + longest + "a\", \"scope\": \"read\"}"))
                .hasMessageContaining("is not valid");
    }

    private static TokenRequest parse(String json) {
        return TokenRequest.parse(JSON.readTree(json));
    }
}
