package io.leveros.controlplane.deploy;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import java.time.Duration;

/** {@code DEPLOY_BUSY}: too many deploys at once; the answer tells the client when to retry. */
public final class DeployBusyException extends ControlPlaneException {
    private final Duration retryAfter;

    DeployBusyException(String message, Duration retryAfter) {
        super(ErrorCode.DEPLOY_BUSY, message);
        this.retryAfter = retryAfter;
    }

    /** When a retry has a fair chance: the time this deploy already waited in vain. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
