package io.leveros.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.proto.control.Environment;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.Service;
import io.leveros.proto.control.ServiceVersion;
import org.junit.jupiter.api.Test;

class EnvironmentResolverTest {
    static final RoutingTable TABLE = RoutingTable.compile(
            RoutingSnapshot.newBuilder()
                    .setRevision(1)
                    .setDefaultEnvironment("dev.lever")
                    .addEnvironments(Environment.newBuilder()
                            .setName("dev.lever")
                            .addServices(Service.newBuilder()
                                    .setName("secret")
                                    .setLive(ServiceVersion.newBuilder()
                                            .setVersion(1)
                                            .setPrivate(true))))
                    .addEnvironments(Environment.newBuilder().setName("staging.lever"))
                    .build(),
            "local");

    @Test
    void forceenvWins() {
        assertThat(EnvironmentResolver.forHttp(TABLE, "staging.lever", "dev.lever", null))
                .isEqualTo("staging.lever");
    }

    @Test
    void unknownForceenvIs404NamingIt() {
        assertThatThrownBy(() -> EnvironmentResolver.forHttp(TABLE, "prod.lever", null, null))
                .isInstanceOfSatisfying(CallException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ENVIRONMENT_NOT_FOUND);
                    assertThat(e.getMessage()).contains("prod.lever").contains("lever env create");
                });
    }

    @Test
    void hostWithOrWithoutPortNamesAnEnvironment() {
        assertThat(EnvironmentResolver.forHttp(TABLE, null, "staging.lever", null))
                .isEqualTo("staging.lever");
        assertThat(EnvironmentResolver.forHttp(TABLE, "", "staging.lever:8080", null))
                .isEqualTo("staging.lever");
    }

    @Test
    void otherHostsFallBackToTheCallerThenTheDefault() {
        assertThat(EnvironmentResolver.forHttp(TABLE, null, "127.0.0.1:8080", null))
                .isEqualTo("dev.lever");
        assertThat(EnvironmentResolver.forHttp(TABLE, null, "127.0.0.1:3838", "staging.lever"))
                .isEqualTo("staging.lever");
        assertThat(EnvironmentResolver.forHttp(TABLE, null, null, null)).isEqualTo("dev.lever");
    }

    @Test
    void leverUrlsUseTheirEnvironmentElseCallerElseDefault() {
        assertThat(EnvironmentResolver.forUrl(TABLE, "staging.lever", null)).isEqualTo("staging.lever");
        assertThat(EnvironmentResolver.forUrl(TABLE, "staging.lever", "staging.lever"))
                .isEqualTo("staging.lever");
        assertThat(EnvironmentResolver.forUrl(TABLE, null, "staging.lever")).isEqualTo("staging.lever");
        assertThat(EnvironmentResolver.forUrl(TABLE, null, null)).isEqualTo("dev.lever");
    }

    @Test
    void aCallingInstanceCannotNameAnotherEnvironment() {
        assertOtherEnvironment(() -> EnvironmentResolver.forUrl(TABLE, "staging.lever", "dev.lever"), "Lever URL");
        assertOtherEnvironment(
                () -> EnvironmentResolver.forHttp(TABLE, "staging.lever", null, "dev.lever"), "?forceenv=");
        assertOtherEnvironment(
                () -> EnvironmentResolver.forHttp(TABLE, null, "staging.lever:3838", "dev.lever"), "Host header");
        assertThat(EnvironmentResolver.forHttp(TABLE, "dev.lever", "dev.lever", "dev.lever"))
                .isEqualTo("dev.lever");
    }

    private static void assertOtherEnvironment(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String source) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CallException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.OTHER_ENVIRONMENT);
            assertThat(e.getMessage()).contains(source).contains("'dev.lever'").contains("public port");
        });
    }

    @Test
    void privateServicesOnlyInternally() {
        assertThatThrownBy(() -> RouteResolver.resolve(TABLE, "dev.lever", "secret", "", false))
                .isInstanceOfSatisfying(
                        CallException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PRIVATE_SERVICE));
        assertThat(RouteResolver.resolve(TABLE, "dev.lever", "secret", "", true).service())
                .isEqualTo("secret");
        assertThatThrownBy(() -> RouteResolver.resolve(TABLE, "dev.lever", "nope", "", true))
                .isInstanceOfSatisfying(
                        CallException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_NOT_FOUND));
    }
}
