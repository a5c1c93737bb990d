package io.leveros.controlplane.api;

import io.leveros.controlplane.security.Caller;
import io.leveros.controlplane.service.ServiceCatalog;
import io.leveros.controlplane.service.ServiceVersions;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/environments/{env}/services}. */
@RestController
@RequestMapping("/api/v1/environments/{env}/services")
class ServiceController {
    private final ServiceCatalog catalog;

    ServiceController(ServiceCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping
    @Operation(summary = "List the deployed services of an environment")
    List<ServiceView> list(@PathVariable("env") String env) {
        return catalog.services(env).stream().map(ServiceView::of).toList();
    }

    @GetMapping("/{service}")
    @Operation(summary = "Get a service")
    ServiceView get(@PathVariable("env") String env, @PathVariable("service") String service) {
        return ServiceView.of(catalog.service(env, service));
    }

    @GetMapping("/{service}/versions")
    @Operation(summary = "List the versions of a service, newest first")
    List<VersionView> versions(
            @PathVariable("env") String env, @PathVariable("service") String service, HttpServletRequest request) {
        ServiceVersions versions = catalog.versions(env, service);
        boolean showConfig = Caller.of(request).maySeeSecretsOf(env);
        return versions.versions().stream()
                .map(v -> VersionView.of(v, versions.service(), showConfig))
                .toList();
    }
}
