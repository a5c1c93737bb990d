package io.leveros.dataplane.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.core.url.LeverUrl;
import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import org.junit.jupiter.api.Test;

class CallPathTest {
    @Test
    void serviceResourceAndMethod() {
        assertThat(CallPath.parse("/hello/sayHello")).isEqualTo(new LeverUrl(null, "hello", "", "sayHello"));
        assertThat(CallPath.parse("/svc/a/b/m")).isEqualTo(new LeverUrl(null, "svc", "a/b", "m"));
    }

    @Test
    void percentEscapesAreDecoded() {
        assertThat(CallPath.parse("/svc/my%20res/m").resource()).isEqualTo("my res");
        assertThat(CallPath.parse("/svc/caf%C3%A9/m").resource()).isEqualTo("café");
    }

    @Test
    void pathsWithoutMethodAre400InvalidUrl() {
        for (String bad : new String[] {"/", "/hello", "/hello/", "//m", "/svc/%zz/m", "/svc/m%2"}) {
            assertThatThrownBy(() -> CallPath.parse(bad)).as(bad).isInstanceOfSatisfying(CallException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_URL);
                assertThat(e.getMessage()).contains("expected: POST /<service>");
            });
        }
    }
}
