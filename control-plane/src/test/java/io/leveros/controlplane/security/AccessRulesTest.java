package io.leveros.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessRulesTest {

    @ParameterizedTest(name = "{0} {1} needs {2}")
    @CsvSource({
        "GET,    /api/v1/environments,                                   read",
        "HEAD,   /api/v1/environments,                                   read",
        "GET,    /api/v1/environments/dev.lever,                         read",
        "GET,    /api/v1/environments/dev.lever/services,                read",
        "GET,    /api/v1/environments/dev.lever/services/s,              read",
        "GET,    /api/v1/environments/dev.lever/services/s/versions,     read",
        "GET,    /api/v1/environments/dev.lever/services/s/instances,    read",
        "GET,    /api/v1/environments/dev.lever/services/s/logs,         deploy:dev.lever",
        "GET,    /api/v1/environments/prod.lever/services/s/logs,        deploy:prod.lever",
        "GET,    /api/v1/scaling,                                        read",
        "GET,    /api/v1/cluster,                                        read",
        "POST,   /api/v1/environments/dev.lever/deployments,             deploy:dev.lever",
        "POST,   /api/v1/environments/prod.lever/deployments,            deploy:prod.lever",
        "POST,   /api/v1/environments,                                   admin",
        "DELETE, /api/v1/environments/dev.lever,                         admin",
        "PUT,    /api/v1/environments/dev.lever/deployments,             admin",
        "POST,   /api/v1/environments/dev.lever/deployments/extra,       admin",
        "POST,   /api/v1/environments/dev.lever/services/s/rollback,     deploy:dev.lever",
        "POST,   /api/v1/environments/dev.lever/services/s/rollback/x,   admin",
        "PUT,    /api/v1/environments/dev.lever/services/s/rollback,     admin",
        "PUT,    /api/v1/environments/dev.lever/services/s/traffic,      deploy:dev.lever",
        "POST,   /api/v1/environments/dev.lever/services/s/traffic,      admin",
        "GET,    /api/v1/environments/dev.lever/events,                  read",
        "POST,   /api/v1/console/sign-in-codes,                          read",
        "GET,    /api/v1/console/sign-in-codes,                          admin",
        "GET,    /api/v1/console/settings,                               read",
        "PUT,    /api/v1/console/settings,                               admin",
        "GET,    /api/v1/console,                                        admin",
        "POST,   /console/session,                                       open",
        "GET,    /api/v1/tokens,                                         admin",
        "POST,   /api/v1/tokens,                                         admin",
        "DELETE, /api/v1/tokens/ci,                                      admin",
        "GET,    /api/v1/audit,                                          admin",
        "GET,    /api/v1/nodes,                                          admin",
        "GET,    /api/v1/nodes/n1/credentials,                           admin",
        "POST,   /api/v1/nodes,                                          admin",
        "GET,    /api/v1/scaling/more,                                   admin",
        "POST,   /api/v1/scaling,                                        admin",
        "GET,    /api/v1/whatever-comes-next,                            admin",
        "GET,    /api/v2/environments,                                   admin",
        "GET,    /api,                                                   admin",
        "GET,    /api/,                                                  admin",
        "OPTIONS, /api/v1/environments,                                  admin",
        "GET,    /actuator/prometheus,                                   read",
        "GET,    /actuator/health,                                       open",
        "GET,    /actuator/health/liveness,                              open",
        "GET,    /actuator,                                              admin",
        "GET,    /actuator/env,                                          admin",
        "GET,    /v3/api-docs,                                           open",
        "GET,    /swagger-ui.html,                                       open",
        "GET,    /swagger-ui/index.html,                                 open",
        "GET,    /,                                                      open",
        "GET,    /apiary,                                                open",
    })
    void decidesFromMethodAndPath(String method, String path, String expected) {
        assertThat(label(AccessRules.required(method, path))).isEqualTo(expected);
    }

    private static String label(Permission permission) {
        return switch (permission) {
            case Permission.Open open -> "open";
            case Permission.Read read -> "read";
            case Permission.Deploy deploy -> "deploy:" + deploy.environment();
            case Permission.Admin admin -> "admin";
        };
    }
}
