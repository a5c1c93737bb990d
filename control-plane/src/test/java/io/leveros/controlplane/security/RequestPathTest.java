package io.leveros.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestPathTest {

    @ParameterizedTest(name = "{0} sent, {2} normalised: {3}")
    @CsvSource({
        "/api/v1/tokens,                       '',     /api/v1/tokens,                 true",
        "/api/v1/tok%65ns,                     '',     /api/v1/tokens,                 true",
        "/api/v1/tokens;jsessionid=1,          '',     /api/v1/tokens,                 true",
        "/api/v1/environments;a=b/dev.lever,   '',     /api/v1/environments/dev.lever, true",
        "/lever/api/v1/tokens,                 /lever, /api/v1/tokens,                 true",
        "/api/v1/environments/a+b,             '',     /api/v1/environments/a+b,       true",
        "/api/v1/environments/x/../../tokens,  '',     /api/v1/tokens,                 false",
        "/api/v1/environments/./dev.lever,     '',     /api/v1/environments/dev.lever, false",
        "/api/v1/environments/%2e%2e/tokens,   '',     /api/v1/tokens,                 false",
        "/api/v1//tokens,                      '',     /api/v1/tokens,                 false",
    })
    void isTheSameOnlyWhenNothingWasNormalisedAway(String sent, String contextPath, String path, boolean same) {
        assertThat(RequestPath.sameAsSent(sent, contextPath, path)).isEqualTo(same);
    }
}
