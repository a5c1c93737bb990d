package io.leveros.controlplane.api;

import io.leveros.controlplane.resource.ResourceBindings;
import io.leveros.controlplane.service.ServiceCatalog;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/environments/{env}/services/{service}/resources}: the bound resources of a service. */
@RestController
@RequestMapping("/api/v1/environments/{env}/services/{service}/resources")
class ResourceController {
    private final ServiceCatalog catalog;
    private final ResourceBindings bindings;

    ResourceController(ServiceCatalog catalog, ResourceBindings bindings) {
        this.catalog = catalog;
        this.bindings = bindings;
    }

    @GetMapping
    @Operation(summary = "The bound resources of a service: node, instance, since when, last call")
    List<ResourceView> list(@PathVariable("env") String env, @PathVariable("service") String service) {
        catalog.service(env, service); // 404 when there is no such service
        return bindings.bindings(env, service).stream().map(ResourceView::of).toList();
    }
}
