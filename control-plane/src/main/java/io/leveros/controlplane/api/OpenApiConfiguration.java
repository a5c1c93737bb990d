package io.leveros.controlplane.api;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Configuration;

/** Describes the API for springdoc: {@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}. */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info =
                @Info(
                        title = "Lever control plane",
                        version = "v1",
                        description = "Environments, services, versions and deploys. Every call needs a bearer "
                                + "token: the built-in one in <data-dir>/token (scope admin), or a named one "
                                + "made with POST /api/v1/tokens (scope read, deploy or admin)."),
        security = @SecurityRequirement(name = OpenApiConfiguration.BEARER))
@SecurityScheme(
        name = OpenApiConfiguration.BEARER,
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "<data-dir>/token (made on the control plane's first start) or a token from POST /api/v1/tokens")
class OpenApiConfiguration {
    static final String BEARER = "bearer";
}
