package io.leveros.controlplane.api;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.logs.LogQuery;
import io.leveros.controlplane.logs.ServiceLogs;
import io.leveros.controlplane.service.ServiceCatalog;
import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * {@code GET /api/v1/environments/{env}/services/{service}/logs}: the output of the service's
 * instances from every node, as NDJSON merged by time (docs/contracts.md, "Logs"); with {@code
 * follow=true} the answer stays open and carries each new line.
 */
@RestController
@RequestMapping("/api/v1/environments/{env}/services/{service}/logs")
class LogController {
    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    static final int MAX_LIMIT = 100_000;
    private static final Pattern AGO = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private final ServiceCatalog catalog;
    private final ServiceLogs logs;

    LogController(ServiceCatalog catalog, ServiceLogs logs) {
        this.catalog = catalog;
        this.logs = logs;
    }

    @GetMapping
    @Operation(
            summary = "Lines the service's instances wrote (stdout, stderr), from every node, oldest first;"
                    + " since = a time ago (10m, 2h) or an ISO-8601 instant; follow=true keeps the answer open")
    ResponseEntity<?> logs(
            @PathVariable("env") String env,
            @PathVariable("service") String service,
            @RequestParam(name = "since", required = false) String since,
            @RequestParam(name = "version", defaultValue = "0") long version,
            @RequestParam(name = "instance", defaultValue = "") String instance,
            @RequestParam(name = "grep", defaultValue = "") String grep,
            @RequestParam(name = "limit", defaultValue = "1000") int limit,
            @RequestParam(name = "follow", defaultValue = "false") boolean follow) {
        catalog.service(env, service); // 404 when there is no such service
        if (version < 0) {
            throw new ControlPlaneException(
                    ErrorCode.MALFORMED_REQUEST, "version must be a version number, not " + version);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ControlPlaneException(
                    ErrorCode.MALFORMED_REQUEST, "limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
        LogQuery query = new LogQuery(env, service, version, instance, sinceMillis(since), grep, limit);
        if (!follow) {
            StringBuilder body = new StringBuilder();
            logs.read(query).forEach(line -> body.append(line).append('\n'));
            return ResponseEntity.ok().contentType(NDJSON).body(body.toString());
        }
        ResponseBodyEmitter emitter = new ResponseBodyEmitter(0L); // no time limit: until the reader leaves
        Thread follower = Thread.ofVirtual().name("lever-logs-follow").start(() -> {
            try {
                logs.follow(query, line -> emitter.send(line + "\n", NDJSON));
            } catch (IOException | InterruptedException e) {
                // The reader went away: the container ends the answer.
            } catch (RuntimeException e) {
                emitter.completeWithError(e);
            }
        });
        emitter.onCompletion(follower::interrupt);
        emitter.onError(failure -> follower.interrupt());
        return ResponseEntity.ok().contentType(NDJSON).body(emitter);
    }

    /** {@code since} as epoch ms: a time ago ({@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}) or an instant. */
    static long sinceMillis(String since) {
        if (since == null || since.isEmpty()) {
            return 0;
        }
        Matcher ago = AGO.matcher(since.toLowerCase(Locale.ROOT));
        if (ago.matches()) {
            long amount = Long.parseLong(ago.group(1));
            Duration duration =
                    switch (ago.group(2)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        case "h" -> Duration.ofHours(amount);
                        default -> Duration.ofDays(amount);
                    };
            return System.currentTimeMillis() - duration.toMillis();
        }
        try {
            return Instant.parse(since).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new ControlPlaneException(
                    ErrorCode.MALFORMED_REQUEST,
                    "since must be a time ago (90s, 10m, 2h, 1d) or an ISO-8601 instant"
                            + " (2026-12-03T10:00:00Z), not '" + since + "'");
        }
    }
}
