package io.leveros.controlplane.api;

import io.leveros.controlplane.deploy.DeployService;
import io.leveros.controlplane.store.ServiceRecord;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/environments/{env}/services/{service}/rollback}: a kept version starts again, and goes
 * live once its instances are ready.
 */
@RestController
@RequestMapping("/api/v1/environments/{env}/services/{service}/rollback")
class RollbackController {
    private final DeployService deploys;
    private final AuditedCalls audited;

    RollbackController(DeployService deploys, AuditedCalls audited) {
        this.deploys = deploys;
        this.audited = audited;
    }

    /** @param version the version to start; absent: the newest kept one before the live one */
    record RollbackRequest(Long version) {}

    @PostMapping
    @Operation(
            summary = "Start a kept version again (the given one, or without a body the newest kept version"
                    + " before the live one); it goes live once its instances are ready")
    ServiceView rollback(
            @PathVariable("env") String env,
            @PathVariable("service") String service,
            @RequestBody(required = false) RollbackRequest body,
            HttpServletRequest request)
            throws IOException {
        ServiceRecord updated = audited.run(
                request,
                "rollback",
                env,
                () -> deploys.rollback(env, service, body == null ? null : body.version()),
                started -> service
                        + (started.replacing()
                                ? " v" + started.startingVersion() + " starting"
                                : " v" + started.liveVersion() + " stays live"));
        return ServiceView.of(updated);
    }
}
