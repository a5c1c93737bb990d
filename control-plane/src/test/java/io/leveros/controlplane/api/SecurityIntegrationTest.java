package io.leveros.controlplane.api;

import static io.leveros.controlplane.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.security.AccessToken;
import io.leveros.controlplane.testing.Api;
import io.leveros.controlplane.testing.DataDirs;
import io.leveros.controlplane.testing.TarGz;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Named tokens through the API, config redaction, the audit log and the error answers. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.grpc.server.port=0", "lever.security.max-failed-authentications=1000000"})
class SecurityIntegrationTest {
    static final Path DATA_DIR = DataDirs.create(SecurityIntegrationTest.class);

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

    Api admin;

    @BeforeEach
    void setUp() {
        admin = new Api(port, root.value());
    }

    /** A service whose lever.json config holds a secret. */
    static final class TarGzConfig {
        static final String LEVER_JSON = "{\"name\": \"%s\", \"javaEntry\": \"com.example.Hello\","
                + " \"config\": {\"password\": \"hunter2\", \"nested\": {\"key\": \"value\"}}}";

        static byte[] service(String name) {
            return TarGz.create().file("lever.json", LEVER_JSON.formatted(name)).build();
        }
    }

    @Test
    void configValuesAreRedactedForTokensThatMayNotSeeTheEnvironmentsSecrets() {
        assertThat(admin.postJson("/api/v1/environments", "{\"name\": \"secrets.lever\"}")
                        .statusCode())
                .isEqualTo(201);
        String ciToken =
                token("{\"name\": \"ci-secrets\", \"scope\": \"deploy\", \"environments\": [\"secrets.lever\"]}");
        String otherToken = token("{\"name\": \"ci-other\", \"scope\": \"deploy\", \"environments\": [\"dev.lever\"]}");
        String allToken = token("{\"name\": \"ci-all\", \"scope\": \"deploy\"}");
        String readToken = token("{\"name\": \"reader\", \"scope\": \"read\"}");

        HttpResponse<String> deployed = new Api(port, ciToken).deploy("secrets.lever", TarGzConfig.service("vault"));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
        assertThat(json(deployed).at("/config/password").asString()).isEqualTo("hunter2");
        assertThat(json(deployed).get("configRedacted").asBoolean()).isFalse();

        String versions = "/api/v1/environments/secrets.lever/services/vault/versions";
        for (String token : List.of(root.value(), ciToken, allToken)) {
            JsonNode version = json(new Api(port, token).get(versions)).get(0);
            assertThat(version.at("/config/password").asString()).isEqualTo("hunter2");
            assertThat(version.at("/config/nested/key").asString()).isEqualTo("value");
            assertThat(version.get("configRedacted").asBoolean()).isFalse();
        }
        for (String token : List.of(readToken, otherToken)) {
            JsonNode version = json(new Api(port, token).get(versions)).get(0);
            assertThat(version.get("config").toString())
                    .isEqualTo("{\"password\":\"<redacted>\",\"nested\":\"<redacted>\"}");
            assertThat(version.get("configRedacted").asBoolean()).isTrue();
        }
    }

    @Test
    void tokensAreCreatedListedAndRevokedAndKeptOnlyAsHashes() throws IOException {
        HttpResponse<String> created =
                admin.postJson("/api/v1/tokens", "{\"name\": \"laptop\", \"scope\": \"read\", \"environments\": []}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = json(created);
        String secret = body.get("token").asString();
        assertThat(secret).matches("lvt_[A-Za-z0-9_-]{43}");
        assertThat(body.get("name").asString()).isEqualTo("laptop");
        assertThat(body.get("scope").asString()).isEqualTo("read");
        assertThat(body.get("createdBy").asString()).isEqualTo("root");
        assertThat(body.get("builtIn").asBoolean()).isFalse();
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/tokens/laptop");

        Path file = DATA_DIR.resolve("tokens.json");
        assertThat(Files.readString(file))
                .contains("\"laptop\"")
                .doesNotContain(secret)
                .doesNotContain(secret.substring(4));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");

        HttpResponse<String> listed = admin.get("/api/v1/tokens");
        assertThat(listed.body())
                .doesNotContain(secret)
                .doesNotContain("sha256")
                .doesNotContain("\"token\"");
        JsonNode tokens = json(listed);
        assertThat(tokens.get(0).get("name").asString()).isEqualTo("root");
        assertThat(tokens.get(0).get("builtIn").asBoolean()).isTrue();
        assertThat(tokens.get(0).get("scope").asString()).isEqualTo("admin");
        assertThat(tokens.findValuesAsString("name")).contains("laptop");

        Api laptop = new Api(port, secret);
        assertThat(laptop.get("/api/v1/environments").statusCode()).isEqualTo(200);

        HttpResponse<String> again = admin.postJson("/api/v1/tokens", "{\"name\": \"laptop\", \"scope\": \"admin\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).get("code").asString()).isEqualTo("TOKEN_EXISTS");
        assertThat(admin.postJson("/api/v1/tokens", "{\"name\": \"root\", \"scope\": \"admin\"}")
                        .statusCode())
                .isEqualTo(409);
        for (String invalid : List.of(
                "{\"name\": \"Bad Name\", \"scope\": \"read\"}",
                "{\"name\": \"ok\", \"scope\": \"superuser\"}",
                "{\"name\": \"ok\", \"scope\": \"read\", \"expires\": \"never\"}",
                "{oops")) {
            HttpResponse<String> refused = admin.postJson("/api/v1/tokens", invalid);
            assertThat(refused.statusCode()).as(invalid + ": " + refused.body()).isEqualTo(400);
        }

        assertThat(admin.delete("/api/v1/tokens/laptop", true).statusCode()).isEqualTo(204);
        assertThat(laptop.get("/api/v1/environments").statusCode()).isEqualTo(401);
        assertThat(Files.readString(file)).doesNotContain("\"laptop\"");
        assertThat(admin.delete("/api/v1/tokens/laptop", true).statusCode()).isEqualTo(404);
        HttpResponse<String> rootRevoke = admin.delete("/api/v1/tokens/root", true);
        assertThat(rootRevoke.statusCode()).isEqualTo(400);
        assertThat(json(rootRevoke).get("code").asString()).isEqualTo("BUILT_IN_TOKEN");
    }

    @Test
    void refusalsSayWhatWasMissingAndWhatTheCallNeeds() {
        HttpResponse<String> none = new Api(port, null).get("/api/v1/environments");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(json(none).get("message").asString())
                .isEqualTo("GET /api/v1/environments needs a token with scope read, deploy or admin: missing the"
                        + " header 'Authorization: Bearer <token>'; the local CLI reads the token from "
                        + DATA_DIR.resolve("token") + " (or --token, LEVEROS_TOKEN)");

        String reader = token("{\"name\": \"looker\", \"scope\": \"read\"}");
        HttpResponse<String> forbidden = new Api(port, reader).deploy("dev.lever", TarGz.service("nopeService"));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(json(forbidden).get("message").asString())
                .isEqualTo("POST /api/v1/environments/dev.lever/deployments needs a token with scope admin, or scope"
                        + " deploy for environment 'dev.lever'; token 'looker' (scope read) is not enough (an admin"
                        + " can make one with: lever tokens create <name> --scope ...)");
    }

    @Test
    void everyStateChangeAndFailedAuthenticationIsAudited() throws IOException {
        String ci = token("{\"name\": \"auditee\", \"scope\": \"deploy\", \"environments\": [\"dev.lever\"]}");
        new Api(port, ci).deploy("dev.lever", TarGz.service("auditedService"));
        new Api(port, ci).postJson("/api/v1/environments", "{\"name\": \"denied.lever\"}");
        admin.postJson("/api/v1/environments", "{\"name\": \"audited.lever\"}");
        admin.postJson("/api/v1/environments", "{\"name\": \"audited.lever\"}");
        admin.delete("/api/v1/environments/audited.lever", true);
        admin.delete("/api/v1/tokens/auditee", true);
        new Api(port, "lvt_guess").get("/api/v1/scaling");

        HttpResponse<String> response = admin.get("/api/v1/audit?limit=8");
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        for (JsonNode entry : json(response)) {
            assertThat(entry.get("at").asString()).isNotBlank();
            assertThat(entry.get("address").asString()).isEqualTo("127.0.0.1");
            lines.add(entry.get("actor").asString(null) + " "
                    + entry.get("action").asString() + " " + entry.get("target").asString() + " "
                    + entry.get("outcome").asString());
        }
        assertThat(lines)
                .containsExactly(
                        "null authenticate GET /api/v1/scaling refused",
                        "root token.revoke auditee ok",
                        "root environment.delete audited.lever ok",
                        "root environment.create audited.lever refused",
                        "root environment.create audited.lever ok",
                        "auditee authorize POST /api/v1/environments refused",
                        "auditee deploy dev.lever ok",
                        "root token.create auditee ok");
        assertThat(json(response).get(3).get("detail").asString()).startsWith("ENVIRONMENT_EXISTS: ");
        assertThat(json(response).get(6).get("detail").asString()).isEqualTo("auditedService v1");

        Path log = DATA_DIR.resolve("audit.log");
        assertThat(Files.readAllLines(log)).anyMatch(line -> line.contains("\"action\":\"token.revoke\""));
        assertThat(Files.readString(log)).doesNotContain(ci);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log)))
                .isEqualTo("rw-------");

        assertThat(admin.get("/api/v1/audit?limit=0").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/v1/audit?limit=1001").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/v1/audit?limit=many").statusCode()).isEqualTo(400);
    }

    private String token(String body) {
        HttpResponse<String> created = admin.postJson("/api/v1/tokens", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).get("token").asString();
    }
}
