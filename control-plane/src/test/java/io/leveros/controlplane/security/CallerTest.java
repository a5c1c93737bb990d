package io.leveros.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallerTest {
    private static final Permission DEPLOY_DEV = new Permission.Deploy("dev.lever");

    @Test
    void eachScopeAllowsWhatItShould() {
        Caller read = new Caller("r", Scope.READ, List.of());
        Caller deployDev = new Caller("d", Scope.DEPLOY, List.of("dev.lever"));
        Caller deployAll = new Caller("a", Scope.DEPLOY, List.of());
        Caller admin = new Caller("root", Scope.ADMIN, List.of());

        assertThat(read.allows(Permission.READ)).isTrue();
        assertThat(read.allows(DEPLOY_DEV)).isFalse();
        assertThat(read.allows(Permission.ADMIN)).isFalse();
        assertThat(read.maySeeSecretsOf("dev.lever")).isFalse();

        assertThat(deployDev.allows(DEPLOY_DEV)).isTrue();
        assertThat(deployDev.allows(new Permission.Deploy("prod.lever"))).isFalse();
        assertThat(deployDev.allows(Permission.ADMIN)).isFalse();
        assertThat(deployDev.maySeeSecretsOf("dev.lever")).isTrue();
        assertThat(deployDev.maySeeSecretsOf("prod.lever")).isFalse();

        assertThat(deployAll.allows(new Permission.Deploy("prod.lever"))).isTrue();
        assertThat(deployAll.maySeeSecretsOf("prod.lever")).isTrue();

        assertThat(admin.allows(Permission.ADMIN)).isTrue();
        assertThat(admin.allows(DEPLOY_DEV)).isTrue();
        assertThat(admin.maySeeSecretsOf("any.lever")).isTrue();
    }

    @Test
    void describesItselfForMessages() {
        assertThat(new Caller("ci", Scope.DEPLOY, List.of("dev.lever", "qa.lever")).describe())
                .isEqualTo("token 'ci' (scope deploy for dev.lever, qa.lever)");
        assertThat(new Caller("ci", Scope.DEPLOY, List.of()).describe())
                .isEqualTo("token 'ci' (scope deploy for every environment)");
        assertThat(new Caller("viewer", Scope.READ, List.of()).describe()).isEqualTo("token 'viewer' (scope read)");
    }
}
