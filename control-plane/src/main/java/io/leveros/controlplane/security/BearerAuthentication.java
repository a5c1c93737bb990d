package io.leveros.controlplane.security;

/** Reads the token of an {@code Authorization: Bearer <token>} header and finds whose it is. */
final class BearerAuthentication {
    private static final String PREFIX = "Bearer ";

    private final TokenRegistry tokens;

    BearerAuthentication(TokenRegistry tokens) {
        this.tokens = tokens;
    }

    /**
     * Who made the call, or why that is not known.
     *
     * @param caller {@code null} when the header names no token of this control plane
     * @param problem what was wrong with the header, for the 401 message; {@code null} with a caller
     */
    record Result(Caller caller, String problem) {}

    /** @param header the {@code Authorization} header, {@code null} if there is none */
    Result authenticate(String header) {
        if (header == null || header.isBlank()) {
            return new Result(null, "missing the header 'Authorization: Bearer <token>'");
        }
        if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return new Result(null, "the Authorization header is not a bearer token (expected: 'Bearer <token>')");
        }
        return tokens.authenticate(header.substring(PREFIX.length()).trim())
                .map(caller -> new Result(caller, null))
                .orElseGet(() -> new Result(
                        null,
                        "the bearer token is not a token of this control plane (mistyped, revoked, or from another"
                                + " data dir)"));
    }
}
