package io.leveros.controlplane.audit;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;

/**
 * One line of the audit log.
 *
 * @param actor the name of the token that made the call; {@code null} when none was recognised
 * @param action what was attempted, e.g. {@code deploy}, {@code environment.create}, {@code token.revoke},
 *     {@code authenticate}
 * @param target what it was attempted on, e.g. {@code dev.lever}, a token's name, {@code POST /api/v1/tokens}
 * @param address the client's IP address
 * @param detail on success what came of it (e.g. {@code helloService v3}); otherwise the error code and
 *     message
 */
public record AuditEntry(
        Instant at, String actor, String action, String target, String address, Outcome outcome, String detail) {

    /** How the attempt ended. */
    public enum Outcome {
        /** It was done. */
        OK,
        /** It was refused: no or a bad token, not allowed, invalid, conflicting. */
        REFUSED,
        /** The control plane failed while doing it. */
        FAILED;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
