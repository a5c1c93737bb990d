package io.leveros.controlplane.api;

import io.leveros.controlplane.security.Caller;
import io.leveros.controlplane.security.CreatedToken;
import io.leveros.controlplane.security.TokenInfo;
import io.leveros.controlplane.security.TokenRegistry;
import io.leveros.controlplane.security.TokenRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
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
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/tokens} (admin scope): list, create and revoke named tokens. */
@RestController
@RequestMapping("/api/v1/tokens")
class TokenController {
    private final TokenRegistry tokens;
    private final AuditedCalls audited;

    TokenController(TokenRegistry tokens, AuditedCalls audited) {
        this.tokens = tokens;
        this.audited = audited;
    }

    @GetMapping
    @Operation(summary = "List the tokens (never their secrets), root first")
    List<TokenInfo> list() {
        return tokens.list();
    }

    @PostMapping
    @Operation(
            summary = "Create a named token; its secret is in this answer only",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            examples = @ExampleObject("{\"name\": \"ci\", \"scope\": \"deploy\","
                                                            + " \"environments\": [\"dev.lever\"]}"))))
    ResponseEntity<CreatedToken> create(@RequestBody(required = false) JsonNode body, HttpServletRequest request)
            throws IOException {
        String name =
                body != null && body.path("name").isString() ? body.get("name").asString() : "?";
        CreatedToken created = audited.run(
                request,
                "token.create",
                name,
                () -> tokens.create(TokenRequest.parse(body), Caller.of(request).token()),
                token -> "scope " + token.info().scope().label() + " "
                        + token.info().environments());
        return ResponseEntity.created(
                        URI.create("/api/v1/tokens/" + created.info().name()))
                .body(created);
    }

    @DeleteMapping("/{name}")
    @Operation(summary = "Revoke a named token (root cannot be revoked)")
    ResponseEntity<Void> revoke(@PathVariable("name") String name, HttpServletRequest request) throws IOException {
        audited.run(request, "token.revoke", name, () -> tokens.revoke(name));
        return ResponseEntity.noContent().build();
    }
}
