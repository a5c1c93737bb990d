package io.leveros.controlplane.console;

import static io.leveros.controlplane.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.security.AccessToken;
import io.leveros.controlplane.testing.Api;
import io.leveros.controlplane.testing.DataDirs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Signing a browser in (codes, tokens, cookies), what a session may do, the event stream and the page headers. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.grpc.server.port=0",
            "lever.security.max-failed-authentications=1000000",
            "lever.console.ingress-url=http://127.0.0.1:18080"
        })
class ConsoleIntegrationTest {
    static final Path DATA_DIR = DataDirs.create(ConsoleIntegrationTest.class);
    static final HttpClient HTTP = HttpClient.newHttpClient();

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

    @Test
    void aSignInCodeWorksOnceAndItsSessionActsAsTheTokenThatAskedForIt() throws Exception {
        HttpResponse<String> issued = new Api(port, root.value()).postJson("/api/v1/console/sign-in-codes", "{}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        String code = json(issued).get("code").asString();
        assertThat(code).matches("lvc_[A-Za-z0-9_-]{43}");
        assertThat(json(issued).get("link").asString()).isEqualTo("/#/sign-in?code=" + code);

        HttpResponse<String> signedIn = signIn("{\"code\": \"" + code + "\"}");
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        assertThat(json(signedIn).get("name").asString()).isEqualTo("root");
        assertThat(json(signedIn).get("scope").asString()).isEqualTo("admin");
        String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie)
                .startsWith("lever_console=")
                .contains("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/")
                .doesNotContain(root.value());
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        HttpResponse<String> again = signIn("{\"code\": \"" + code + "\"}");
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(json(again).get("message").asString()).contains("used already");

        assertThat(send(request("/api/v1/environments", cookie).GET()).statusCode())
                .isEqualTo(200);
        assertThat(send(request("/console/session", cookie).GET()).body()).contains("\"name\":\"root\"");

        HttpResponse<String> withoutHeader = send(request("/api/v1/environments", cookie)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"forged.lever\"}")));
        assertThat(withoutHeader.statusCode()).isEqualTo(403);
        assertThat(json(withoutHeader).get("message").asString()).contains("X-Lever-Console: 1");

        HttpResponse<String> created = send(request("/api/v1/environments", cookie)
                .header("Content-Type", "application/json")
                .header("X-Lever-Console", "1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"console.lever\"}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        assertThat(send(request("/console/session", cookie).DELETE()).statusCode())
                .isEqualTo(204);
        HttpResponse<String> ended =
                send(request("/api/v1/environments", cookie).GET());
        assertThat(ended.statusCode()).isEqualTo(401);
        assertThat(json(ended).get("message").asString()).contains("console session has ended");
        assertThat(send(request("/console/session", cookie).GET()).statusCode()).isEqualTo(401);
    }

    @Test
    void aSessionHasItsTokensScopeAndEndsWhenTheTokenIsRevoked() throws Exception {
        Api admin = new Api(port, root.value());
        HttpResponse<String> token =
                admin.postJson("/api/v1/tokens", "{\"name\": \"wall-screen\", \"scope\": \"read\"}");
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        HttpResponse<String> signedIn =
                signIn("{\"token\": \"" + json(token).get("token").asString() + "\"}");
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        assertThat(json(signedIn).get("scope").asString()).isEqualTo("read");
        String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        assertThat(send(request("/api/v1/environments", cookie).GET()).statusCode())
                .isEqualTo(200);
        HttpResponse<String> write = send(request("/api/v1/environments", cookie)
                .header("Content-Type", "application/json")
                .header("X-Lever-Console", "1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"nope.lever\"}")));
        assertThat(write.statusCode()).isEqualTo(403);

        assertThat(admin.delete("/api/v1/tokens/wall-screen", true).statusCode())
                .isEqualTo(204);
        assertThat(send(request("/api/v1/environments", cookie).GET()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void wrongCodesAndTokensAreRefusedAndNothingElseSignsIn() throws Exception {
        assertThat(signIn("{\"code\": \"lvc_mistyped\"}").statusCode()).isEqualTo(401);
        assertThat(signIn("{\"token\": \"lvt_mistyped\"}").statusCode()).isEqualTo(401);
        HttpResponse<String> both = signIn("{\"code\": \"lvc_a\", \"token\": \"lvt_b\"}");
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(json(both).get("message").asString()).contains("either a sign-in code or a token");
        assertThat(signIn("{}").statusCode()).isEqualTo(400);
        assertThat(send(request("/api/v1/environments", "lever_console=forged").GET())
                        .statusCode())
                .isEqualTo(401);
        assertThat(new Api(port, null)
                        .postJson("/api/v1/console/sign-in-codes", "{}")
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void theEventStreamSendsTheEnvironmentsStateAtOnce() throws Exception {
        HttpRequest events = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/environments/dev.lever/events"))
                .header("Authorization", "Bearer " + root.value())
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        HttpResponse<InputStream> stream = HTTP.send(events, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("event:state");
            String data = lines.readLine();
            assertThat(data).startsWith("data:");
            JsonNode state = Api.json(data.substring("data:".length()));
            assertThat(state.get("environment").asString()).isEqualTo("dev.lever");
            assertThat(state.get("services").isArray()).isTrue();
            assertThat(state.get("instances").isObject()).isTrue();
            assertThat(state.get("versions").isArray()).isTrue();
            assertThat(state.get("decisions").isArray()).isTrue();
            assertThat(state.get("at").asString()).isNotEmpty();
        }

        HttpResponse<String> unknown = new Api(port, root.value()).get("/api/v1/environments/nowhere.lever/events");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void pagesCarryAContentSecurityPolicyAndTheApiDoesNot() throws Exception {
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .GET());
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                        + " connect-src 'self' http://127.0.0.1:18080 ws://127.0.0.1:18080; base-uri 'none';"
                        + " form-action 'self'; frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");

        HttpResponse<String> settings = new Api(port, root.value()).get("/api/v1/console/settings");
        assertThat(settings.body()).isEqualTo("{\"ingressUrl\":\"http://127.0.0.1:18080\"}");
        assertThat(settings.headers().firstValue("Content-Security-Policy")).isEmpty();
    }

    private HttpResponse<String> signIn(String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/console/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder request(String path, String cookie) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Cookie", cookie);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
