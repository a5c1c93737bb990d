package io.leveros.controlplane.api;

import io.leveros.controlplane.cluster.Leadership;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Which control plane answers, and which one leads (runs the autoscaler). */
@RestController
@RequestMapping("/api/v1")
class ClusterController {
    private final Leadership leadership;

    ClusterController(Leadership leadership) {
        this.leadership = leadership;
    }

    /**
     * @param controlPlaneId the control plane that answered
     * @param leading whether it leads now
     * @param leaderId the leader as it last saw it (empty: none seen yet)
     * @param term the leader's term (0: a single control plane, file mode)
     * @param version this control plane's version ("development build" when not run from its jar)
     */
    record ClusterView(String controlPlaneId, boolean leading, String leaderId, long term, String version) {}

    private static final String VERSION = version();

    private static String version() {
        String version = ClusterController.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    @GetMapping("/cluster")
    @Operation(summary = "This control plane's id, and which control plane leads in which term")
    ClusterView cluster() {
        Leadership.State state = leadership.state();
        return new ClusterView(state.controlPlaneId(), state.leading(), state.leaderId(), state.term(), VERSION);
    }
}
