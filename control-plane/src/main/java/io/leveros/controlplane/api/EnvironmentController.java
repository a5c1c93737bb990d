package io.leveros.controlplane.api;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.environment.EnvironmentService;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/environments}. */
@RestController
@RequestMapping("/api/v1/environments")
class EnvironmentController {
    private final EnvironmentService environments;
    private final AuditedCalls audited;

    EnvironmentController(EnvironmentService environments, AuditedCalls audited) {
        this.environments = environments;
        this.audited = audited;
    }

    @GetMapping
    @Operation(summary = "List environments")
    List<EnvironmentView> list() {
        return environments.list().stream().map(EnvironmentView::of).toList();
    }

    @GetMapping("/{env}")
    @Operation(summary = "Get an environment")
    EnvironmentView get(@PathVariable("env") String env) {
        return EnvironmentView.of(environments.get(env));
    }

    @PostMapping
    @Operation(summary = "Create an environment")
    ResponseEntity<EnvironmentView> create(
            @RequestBody(required = false) CreateEnvironmentRequest body, HttpServletRequest request)
            throws IOException {
        if (body == null || body.name() == null) {
            throw new ControlPlaneException(
                    ErrorCode.MALFORMED_REQUEST,
                    "the request body has no 'name' (expected: {\"name\": \"staging.lever\"})");
        }
        EnvironmentView created = EnvironmentView.of(audited.run(
                request, "environment.create", body.name(), () -> environments.create(body.name()), none -> null));
        return ResponseEntity.created(URI.create("/api/v1/environments/" + created.name()))
                .body(created);
    }

    @DeleteMapping("/{env}")
    @Operation(
            summary = "Delete an environment; one with services only with withServices=true, which stops and"
                    + " deletes them too")
    ResponseEntity<Void> delete(
            @PathVariable("env") String env,
            @RequestParam(name = "withServices", defaultValue = "false") boolean withServices,
            HttpServletRequest request)
            throws IOException {
        audited.run(request, "environment.delete", env, () -> environments.delete(env, withServices));
        return ResponseEntity.noContent().build();
    }
}
