package io.leveros.dataplane.placement;

import static io.leveros.dataplane.testing.Snapshots.service;
import static io.leveros.dataplane.testing.Snapshots.snapshot;
import static io.leveros.dataplane.testing.Snapshots.testInstanceArgv;
import static io.leveros.dataplane.testing.Snapshots.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveros.dataplane.DataPlane;
import io.leveros.dataplane.testing.BlockedThreadWatch;
import io.leveros.dataplane.testing.FakeControlPlane;
import io.leveros.dataplane.testing.Http;
import io.leveros.dataplane.testing.TestDataPlane;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Resource placement through a real data plane and real instance processes ({@code TestInstance}),
 * with the control plane's binding authority at the seam ({@link FakeControlPlane}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResourcePlacementTest {
    static final String ENV = "dev.lever";
    static final ObjectMapper JSON = new ObjectMapper();

    static BlockedThreadWatch blocked;
    static FakeControlPlane controlPlane;
    static DataPlane dataPlane;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        blocked = BlockedThreadWatch.install();
        controlPlane = new FakeControlPlane();
        dataPlane = TestDataPlane.start(controlPlane, "--node-id", "test");
        http = new Http(dataPlane.port());
        List<String> argv = testInstanceArgv();
        controlPlane.push(snapshot(
                1,
                ENV,
                service("sticky", version(1, argv).setMinInstances(3)),
                service("idle", version(1, argv).setResourceIdleTimeoutMs(1_000)),
                service("capped", version(1, argv).setMaxResourcesPerInstance(1).setMaxInstances(2)),
                service("crashy", version(1, argv)),
                service("restarted", version(1, argv))));
        await().atMost(Duration.ofSeconds(10)).until(() -> dataPlane.routing().ready());
        // The first acknowledged report gives this node its lease on resources.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> call("/sticky/warm-up/id").statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (dataPlane != null) {
            dataPlane.close();
        }
        controlPlane.close();
        blocked.close();
        assertThat(blocked.warnings()).as("blocked event loop warnings").isEmpty();
    }

    static HttpResponse<String> call(String path) throws Exception {
        return http.json(path, "[]");
    }

    static String instanceOf(String path) throws Exception {
        HttpResponse<String> response = call(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).asText();
    }

    static List<String> events(String service, String resource) throws Exception {
        HttpResponse<String> response = call("/" + service + "/" + resource + "/resourceEvents");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        for (JsonNode event : JSON.readTree(response.body())) {
            events.add(event.asText());
        }
        return events;
    }

    @Test
    @Order(1)
    void oneResourceStaysOnOneInstanceWhileOthersSpread() throws Exception {
        Set<String> holders = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            holders.add(instanceOf("/sticky/cart-1/id"));
        }
        assertThat(holders).hasSize(1);
        assertThat(events("sticky", "cart-1")).contains("new:cart-1");

        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        dataPlane.activator().readyInstances(ENV + "/sticky/1").size() == 3);
        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            spread.add(instanceOf("/sticky/cart-" + (i + 100) + "/id"));
        }
        assertThat(spread).as("new resources go to the instance holding fewest").hasSize(3);
        assertThat(instanceOf("/sticky/cart-1/id")).isEqualTo(holders.iterator().next());
    }

    @Test
    @Order(2)
    void plainCallsGoToTheLeastBusyInstances() throws Exception {
        String busy = instanceOf("/sticky/cart-1/id");
        CompletableFuture<HttpResponse<String>> slow =
                http.postAsync("/sticky/cart-1/sleep", "application/json", "[1500]".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> dataPlane.activator().readyInstances(ENV + "/sticky/1").stream()
                        .anyMatch(instance -> instance.outstanding() > 0));
        for (int i = 0; i < 30; i++) {
            assertThat(instanceOf("/sticky/id"))
                    .as("a plain call never goes to the one instance with a call in flight")
                    .isNotEqualTo(busy);
        }
        assertThat(slow.get().statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aResourceWithSlashesIsOneResource() throws Exception {
        String holder = instanceOf("/sticky/orders/2026/12/id");
        for (int i = 0; i < 10; i++) {
            assertThat(instanceOf("/sticky/orders/2026/12/id")).isEqualTo(holder);
        }
        assertThat(events("sticky", "orders/2026/12")).contains("new:orders/2026/12");
    }

    @Test
    @Order(4)
    void anIdleResourceIsClosedAndReleased() throws Exception {
        String holder = instanceOf("/idle/short-lived/id");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(controlPlane.releases()).contains("short-lived"));
        List<String> events = events("idle", "observer");
        assertThat(events).containsSubsequence("new:short-lived", "close:short-lived");
        assertThat(instanceOf("/idle/observer/id")).isEqualTo(holder);
    }

    @Test
    @Order(5)
    void maxResourcesPerInstanceSendsNewResourcesToOtherInstancesThenRefuses() throws Exception {
        String first = instanceOf("/capped/a/id");
        String second = instanceOf("/capped/b/id");
        assertThat(second).isNotEqualTo(first);
        HttpResponse<String> third = call("/capped/c/id");
        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(third.body()).contains("maxResourcesPerInstance (1)");
        assertThat(instanceOf("/capped/a/id")).isEqualTo(first);
    }

    @Test
    @Order(6)
    void aKilledHolderIsReplacedAndTheNewOneOpensTheResourceFirst() throws Exception {
        String holder = instanceOf("/crashy/survivor/id");
        assertThat(call("/crashy/survivor/crash").statusCode()).isEqualTo(502);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<String> response = call("/crashy/survivor/id");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).asText()).isNotEqualTo(holder);
        });
        assertThat(events("crashy", "survivor")).startsWith("new:survivor");
    }

    @Test
    @Order(7)
    void aRestartedControlPlaneMakesTheNodeCloseItsBindings() throws Exception {
        instanceOf("/restarted/kept-before/id");
        int bindsBefore = controlPlane.binds();
        controlPlane.restart("fake-control-plane-2");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(events("restarted", "after")).contains("close:kept-before"));
        instanceOf("/restarted/kept-before/id");
        assertThat(events("restarted", "after")).containsSubsequence("close:kept-before", "new:kept-before");
        assertThat(controlPlane.binds()).isGreaterThan(bindsBefore);
    }

    @Test
    @Order(8)
    void withoutTheControlPlaneResourceCallsAreRefusedAndPlainCallsServed() throws Exception {
        controlPlane.answerReports(false);
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HttpResponse<String> refused = call("/sticky/cart-1/id");
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.body()).contains("cannot confirm which instance holds resource 'cart-1'");
            });
            assertThat(call("/sticky/id").statusCode()).isEqualTo(200);
        } finally {
            controlPlane.answerReports(true);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> call("/sticky/cart-1/id").statusCode() == 200);
    }

    /**
     * The headers of calls to an instance on this node are kept per URL (CallChannels.plainCallHeaders):
     * six resources spread over the three instances, and plain calls, each twice over.
     */
    @Test
    @Order(9)
    void eachCallReachesItsInstanceWithItsOwnLeverUrl() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (String resource : List.of("", "url-1", "url-2", "url-3", "url-4", "url-5", "url-6")) {
                HttpResponse<String> response =
                        call("/sticky/" + (resource.isEmpty() ? "" : resource + "/") + "headers");
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(JSON.readTree(response.body()).get("lever-url").asText())
                        .isEqualTo("lever://" + ENV + "/sticky/" + resource + "/headers");
            }
        }
    }
}
