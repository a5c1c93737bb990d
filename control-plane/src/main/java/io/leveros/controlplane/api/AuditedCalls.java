package io.leveros.controlplane.api;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.audit.AuditEntry.Outcome;
import io.leveros.controlplane.audit.AuditLog;
import io.leveros.controlplane.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/** Runs a state change for a REST call and records it in the audit log, with its caller and outcome. */
@Component
class AuditedCalls {
    private final AuditLog audit;

    AuditedCalls(AuditLog audit) {
        this.audit = audit;
    }

    /** A state change; may refuse with a {@link ControlPlaneException}. */
    @FunctionalInterface
    interface Change<T> {
        T run() throws IOException;
    }

    /** A state change without a result. */
    @FunctionalInterface
    interface Action {
        void run() throws IOException;
    }

    /** Runs {@code change} and records {@code action} on {@code target} with its outcome. */
    void run(HttpServletRequest request, String action, String target, Action change) throws IOException {
        run(
                request,
                action,
                target,
                () -> {
                    change.run();
                    return null;
                },
                none -> null);
    }

    /**
     * Runs {@code change}, then records {@code action} on {@code target}: {@code ok} with {@code
     * detail} of the result, {@code refused} with the error code and message, or {@code failed}.
     */
    <T> T run(HttpServletRequest request, String action, String target, Change<T> change, Function<T, String> detail)
            throws IOException {
        String actor = Caller.of(request).token();
        String address = request.getRemoteAddr();
        T result;
        try {
            result = change.run();
        } catch (ControlPlaneException e) {
            audit.record(
                    actor, action, target, address, Outcome.REFUSED, e.code().name() + ": " + e.getMessage());
            throw e;
        } catch (IOException | RuntimeException | Error e) {
            audit.record(actor, action, target, address, Outcome.FAILED, e.toString());
            throw e;
        }
        audit.record(actor, action, target, address, Outcome.OK, detail.apply(result));
        return result;
    }
}
