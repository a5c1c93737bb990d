package io.leveros.controlplane.api;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.deploy.DeployService;
import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.TrafficShare;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code PUT /api/v1/environments/{env}/services/{service}/traffic}: splits a service's calls between kept
 * versions ({@code lever traffic}; docs/upgrades.md), or with no share sends them all to the live version.
 */
@RestController
@RequestMapping("/api/v1/environments/{env}/services/{service}/traffic")
class TrafficController {
    private final DeployService deploys;
    private final AuditedCalls audited;

    TrafficController(DeployService deploys, AuditedCalls audited) {
        this.deploys = deploys;
        this.audited = audited;
    }

    /** @param shares each version's percent of the calls; empty: every call to the live version */
    record TrafficRequest(List<TrafficShare> shares) {}

    @PutMapping
    @Operation(
            summary = "Split the service's calls between 2 to 4 kept versions (percents adding up to 100; the largest"
                    + " share's version becomes the live one), or with no share send them all to the live version")
    ServiceView split(
            @PathVariable("env") String env,
            @PathVariable("service") String service,
            @RequestBody(required = false) TrafficRequest body,
            HttpServletRequest request)
            throws IOException {
        if (body == null || body.shares() == null) {
            throw new ControlPlaneException(
                    ErrorCode.INVALID_TRAFFIC_SPLIT,
                    "the body must name the shares, e.g. {\"shares\": [{\"version\": 7, \"percent\": 90},"
                            + " {\"version\": 8, \"percent\": 10}]} ({\"shares\": []} clears the split)");
        }
        ServiceRecord updated = audited.run(
                request,
                "traffic",
                env,
                () -> deploys.splitTraffic(env, service, body.shares()),
                split -> service + " "
                        + (split.traffic().isEmpty() ? "v" + split.liveVersion() + "=100" : describe(split)));
        return ServiceView.of(updated);
    }

    private static String describe(ServiceRecord split) {
        StringBuilder text = new StringBuilder();
        for (TrafficShare share : split.traffic()) {
            text.append(text.isEmpty() ? "" : " ")
                    .append('v')
                    .append(share.version())
                    .append('=')
                    .append(share.percent());
        }
        return text.toString();
    }
}
