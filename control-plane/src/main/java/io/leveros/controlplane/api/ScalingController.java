package io.leveros.controlplane.api;

import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.controlplane.scaling.Autoscaler;
import io.leveros.controlplane.scaling.ScalingDecision;
import io.leveros.controlplane.service.ServiceCatalog;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What runs where, and why: instances as the nodes report them, the autoscaler's view and decisions. */
@RestController
@RequestMapping("/api/v1")
class ScalingController {
    private final ServiceCatalog catalog;
    private final NodeRegistry nodes;
    private final Autoscaler autoscaler;

    ScalingController(ServiceCatalog catalog, NodeRegistry nodes, Autoscaler autoscaler) {
        this.catalog = catalog;
        this.nodes = nodes;
        this.autoscaler = autoscaler;
    }

    /**
     * @param versions each live version with instances or a decision
     * @param decisions the most recent scaling decisions, newest first
     */
    record ScalingView(List<Autoscaler.VersionStatus> versions, List<ScalingDecision> decisions) {}

    @GetMapping("/scaling")
    @Operation(summary = "The autoscaler's view of every live version, and its recent decisions with their reasons")
    ScalingView scaling() {
        return new ScalingView(List.copyOf(autoscaler.statuses().values()), autoscaler.recentDecisions());
    }

    @GetMapping("/environments/{env}/services/{service}/instances")
    @Operation(summary = "The instances of a service on every node: starting, ready and draining")
    List<InstanceView> instances(@PathVariable("env") String env, @PathVariable("service") String service) {
        catalog.service(env, service); // 404 when there is no such service
        return InstanceView.byService(nodes.known().reports().values(), env, System.currentTimeMillis())
                .getOrDefault(service, List.of());
    }
}
