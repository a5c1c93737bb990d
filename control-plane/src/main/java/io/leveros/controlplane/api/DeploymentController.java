package io.leveros.controlplane.api;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.LeverProperties;
import io.leveros.controlplane.deploy.DeployService;
import io.leveros.controlplane.deploy.Deployment;
import io.leveros.controlplane.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/environments/{env}/deployments}: the body is the service's tar.gz, streamed. */
@RestController
@RequestMapping("/api/v1/environments/{env}/deployments")
class DeploymentController {
    private static final Set<String> ARCHIVE_TYPES =
            Set.of("application/gzip", "application/x-gzip", "application/octet-stream", "application/x-tgz");

    private final DeployService deployService;
    private final long maxArchiveBytes;
    private final AuditedCalls audited;

    DeploymentController(DeployService deployService, LeverProperties properties, AuditedCalls audited) {
        this.deployService = deployService;
        this.audited = audited;
        this.maxArchiveBytes = properties.deploy().maxArchiveBytes().toBytes();
    }

    @PostMapping
    @Operation(
            summary = "Deploy a service archive: the new version starts, and goes live once its instances are"
                    + " ready (the first version of a service at once); follow its state in the versions listing",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            description = "the service folder as a tar.gz, lever.json at its root",
                            required = true,
                            content =
                                    @Content(
                                            mediaType = "application/gzip",
                                            schema = @Schema(type = "string", format = "binary"))))
    ResponseEntity<VersionView> deploy(@PathVariable("env") String env, HttpServletRequest request) throws IOException {
        Deployment deployment =
                audited.run(request, "deploy", env, () -> receive(env, request), DeploymentController::detail);
        VersionView view = VersionView.of(
                deployment.version(), deployment.service(), Caller.of(request).maySeeSecretsOf(env));
        URI location = URI.create("/api/v1/environments/" + env + "/services/" + view.service() + "/versions");
        return ResponseEntity.created(location).body(view);
    }

    private Deployment receive(String env, HttpServletRequest request) throws IOException {
        checkContentType(request.getContentType());
        long length = request.getContentLengthLong();
        if (length > maxArchiveBytes) {
            throw new ControlPlaneException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "the archive is " + length + " bytes (expected: at most " + maxArchiveBytes
                            + " bytes compressed; leave build outputs and dependencies the platform supplies out "
                            + "of it, or raise lever.deploy.max-archive-bytes)");
        }
        try (InputStream body = request.getInputStream()) {
            return deployService.deploy(env, body, Caller.of(request).token());
        }
    }

    private static String detail(Deployment deployment) {
        long version = deployment.version().version();
        return deployment.version().service() + " v" + version
                + (deployment.service().startingVersion() == version ? "" : " (not started: a newer version is)");
    }

    private static void checkContentType(String contentType) {
        String type =
                contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!ARCHIVE_TYPES.contains(type)) {
            throw new ControlPlaneException(
                    ErrorCode.UNSUPPORTED_CONTENT_TYPE,
                    "a deployment body must be a tar.gz sent as Content-Type application/gzip (found '"
                            + (contentType == null ? "no Content-Type" : contentType) + "'; also accepted: "
                            + "application/octet-stream)");
        }
    }
}
