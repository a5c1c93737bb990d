package io.leveros.controlplane.api;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Configuration;

/** Describes the API for springdoc: {@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}. */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info =
                @Info(
                        title = "Lever control plane",
                        version = "v1",
                        description = "Environments, services, versions and deploys. Calls that change state "
                                + "need the bearer token kept in <data-dir>/token."))
@SecurityScheme(
        name = OpenApiConfiguration.BEARER,
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "the token in <data-dir>/token (made on the control plane's first start)")
class OpenApiConfiguration {
    static final String BEARER = "bearer";
}
