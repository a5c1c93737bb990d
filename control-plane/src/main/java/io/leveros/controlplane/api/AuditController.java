package io.leveros.controlplane.api;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.audit.AuditEntry;
import io.leveros.controlplane.audit.AuditLog;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/audit?limit=N} (admin scope): the newest audit entries, newest first. */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {
    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping
    @Operation(summary = "The newest audit entries, newest first (older ones are in <data-dir>/audit.log)")
    List<AuditEntry> newest(@RequestParam(name = "limit", defaultValue = "100") int limit) {
        if (limit < 1 || limit > audit.memoryEntries()) {
            throw new ControlPlaneException(
                    ErrorCode.MALFORMED_REQUEST,
                    "limit " + limit + " is out of range (expected: 1 to " + audit.memoryEntries()
                            + "; older entries are in the control plane's <data-dir>/audit.log)");
        }
        return audit.newest(limit);
    }
}
