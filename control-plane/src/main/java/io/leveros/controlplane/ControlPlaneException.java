package io.leveros.controlplane;

/**
 * A request the control plane refuses, with the {@link ErrorCode} the API answers and a message that
 * names the value, what was expected and what to do.
 */
public class ControlPlaneException extends RuntimeException {
    private final ErrorCode code;

    public ControlPlaneException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ControlPlaneException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static ControlPlaneException environmentNotFound(String environment) {
        return new ControlPlaneException(
                ErrorCode.ENVIRONMENT_NOT_FOUND,
                "environment '" + environment + "' not found (list them with GET /api/v1/environments, "
                        + "create it with POST /api/v1/environments)");
    }

    public static ControlPlaneException serviceNotFound(String environment, String service) {
        return new ControlPlaneException(
                ErrorCode.SERVICE_NOT_FOUND,
                "service '" + service + "' not found in environment '" + environment + "' (deploy it first)");
    }
}
