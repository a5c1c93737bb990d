package io.leveros.controlplane.api;

import static io.leveros.controlplane.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.security.AccessToken;
import io.leveros.controlplane.testing.Api;
import io.leveros.controlplane.testing.DataDirs;
import io.leveros.controlplane.testing.TarGz;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every REST endpoint × every kind of caller: the exact status each one gets. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.grpc.server.port=0", "lever.security.max-failed-authentications=1000000"})
class AccessMatrixTest {
    static final Path DATA_DIR = DataDirs.create(AccessMatrixTest.class);
    /** Caller name → token secret ({@code null} = no token); made once for the class. */
    static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    static final List<String> CALLERS = List.of("none", "bad", "read", "deploy-dev", "deploy-qa", "admin");

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("lever.data-dir", DATA_DIR::toString);
    }

    @AfterAll
    static void removeDataDir() {
        ArchiveExtractor.deleteQuietly(DATA_DIR);
    }

    @LocalServerPort
    int port;

    @Autowired
    AccessToken root;

    @BeforeEach
    void makeTokensAndAService() {
        if (!TOKENS.isEmpty()) {
            return;
        }
        Api admin = new Api(port, root.value());
        assertThat(admin.postJson("/api/v1/environments", "{\"name\": \"qa.lever\"}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(admin.deploy("dev.lever", TarGz.service("tableService")).statusCode())
                .isEqualTo(201);
        TOKENS.put("bad", "lvt_" + "x".repeat(43));
        TOKENS.put("read", create(admin, "{\"name\": \"viewer\", \"scope\": \"read\"}"));
        TOKENS.put(
                "deploy-dev",
                create(admin, "{\"name\": \"ci-dev\", \"scope\": \"deploy\", \"environments\": [\"dev.lever\"]}"));
        TOKENS.put(
                "deploy-qa",
                create(admin, "{\"name\": \"ci-qa\", \"scope\": \"deploy\", \"environments\": [\"qa.lever\"]}"));
        TOKENS.put("admin", root.value());
    }

    static String create(Api admin, String body) {
        HttpResponse<String> created = admin.postJson("/api/v1/tokens", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).get("token").asString();
    }

    /** An endpoint and the status of each of {@link #CALLERS}, in order. */
    record Endpoint(String method, String path, String contentType, byte[] body, int... statuses) {
        static Endpoint get(String path, int... statuses) {
            return new Endpoint("GET", path, null, null, statuses);
        }

        static Endpoint json(String method, String path, String body, int... statuses) {
            return new Endpoint(method, path, "application/json", body.getBytes(StandardCharsets.UTF_8), statuses);
        }

        static Endpoint deploy(String environment, String service, int... statuses) {
            return new Endpoint(
                    "POST",
                    "/api/v1/environments/" + environment + "/deployments",
                    "application/gzip",
                    TarGz.service(service),
                    statuses);
        }
    }

    static final int[] READS = {401, 401, 200, 200, 200, 200};
    static final String SERVICE = "/api/v1/environments/dev.lever/services/tableService";

    static Stream<Arguments> calls() {
        List<Endpoint> endpoints = List.of(
                Endpoint.get("/api/v1/environments", READS),
                Endpoint.get("/api/v1/environments/dev.lever", READS),
                Endpoint.get("/api/v1/environments/dev.lever/services", READS),
                Endpoint.get(SERVICE, READS),
                Endpoint.get(SERVICE + "/versions", READS),
                Endpoint.get(SERVICE + "/instances", READS),
                Endpoint.get(SERVICE + "/resources", READS),
                Endpoint.get(SERVICE + "/logs", 401, 401, 403, 200, 403, 200),
                // One version only: nothing before it to roll back to.
                Endpoint.json("POST", SERVICE + "/rollback", "{}", 401, 401, 403, 404, 403, 404),
                Endpoint.get("/api/v1/scaling", READS),
                Endpoint.get("/api/v1/cluster", READS),
                Endpoint.get("/actuator/prometheus", READS),
                Endpoint.json(
                        "POST", "/api/v1/environments", "{\"name\": \"made.lever\"}", 401, 401, 403, 403, 403, 201),
                new Endpoint("DELETE", "/api/v1/environments/missing.lever", null, null, 401, 401, 403, 403, 403, 404),
                Endpoint.deploy("dev.lever", "devService", 401, 401, 403, 201, 403, 201),
                Endpoint.deploy("qa.lever", "qaService", 401, 401, 403, 403, 201, 201),
                Endpoint.get("/api/v1/tokens", 401, 401, 403, 403, 403, 200),
                Endpoint.json(
                        "POST",
                        "/api/v1/tokens",
                        "{\"name\": \"made\", \"scope\": \"read\"}",
                        401,
                        401,
                        403,
                        403,
                        403,
                        201),
                new Endpoint("DELETE", "/api/v1/tokens/nobody", null, null, 401, 401, 403, 403, 403, 404),
                new Endpoint("DELETE", "/api/v1/tokens/root", null, null, 401, 401, 403, 403, 403, 400),
                Endpoint.get("/api/v1/audit", 401, 401, 403, 403, 403, 200),
                // Encodings and path parameters are classified as the controllers see them.
                Endpoint.get("/api/v1/tok%65ns", 401, 401, 403, 403, 403, 200),
                Endpoint.get("/api/v1/tokens;x=1", 401, 401, 403, 403, 403, 200),
                // The container would route this one to /api/v1/tokens, Spring to nothing: refused before either.
                Endpoint.get("/api/v1/environments/dev.lever/../../tokens", 400, 400, 400, 400, 400, 400),
                Endpoint.get("/api/v1/environments/./dev.lever", 400, 400, 400, 400, 400, 400),
                Endpoint.get("/api/v1/nodes", 401, 401, 403, 403, 403, 200),
                new Endpoint("POST", "/api/v1/nodes/matrix-node/credential", null, null, 401, 401, 403, 403, 403, 201),
                new Endpoint(
                        "DELETE", "/api/v1/nodes/matrix-node/credential", null, null, 401, 401, 403, 403, 403, 204),
                Endpoint.get("/api/v1/not-classified", 401, 401, 403, 403, 403, 404),
                Endpoint.get("/actuator/health", 200, 200, 200, 200, 200, 200),
                Endpoint.get("/v3/api-docs", 200, 200, 200, 200, 200, 200));
        List<Arguments> calls = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            for (int i = 0; i < CALLERS.size(); i++) {
                calls.add(Arguments.of(
                        endpoint.method() + " " + endpoint.path(), CALLERS.get(i), endpoint, endpoint.statuses()[i]));
            }
        }
        return calls.stream();
    }

    @ParameterizedTest(name = "{0} as {1}: {3}")
    @MethodSource("calls")
    void eachCallerGetsExactlyItsStatus(String call, String caller, Endpoint endpoint, int expected) {
        Api api = new Api(port, TOKENS.get(caller));
        HttpResponse<String> response =
                api.call(endpoint.method(), endpoint.path(), endpoint.contentType(), endpoint.body());

        assertThat(response.statusCode())
                .as(call + " as " + caller + ": " + response.body())
                .isEqualTo(expected);
        if (expected == 401) {
            assertThat(json(response).get("code").asString()).isEqualTo("UNAUTHORIZED");
            assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        } else if (expected == 403) {
            assertThat(json(response).get("code").asString()).isEqualTo("FORBIDDEN");
        }
    }
}
