package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ops/monitoring} against the real platform. promtool accepts both Prometheus configurations, the
 * rules and the rules' unit tests ({@code ops/monitoring/check}). A real Prometheus, configured from
 * {@code ops/monitoring/prometheus.yml} pointed at a test {@code lever up} (with a read token made by
 * {@code lever tokens create}), scrapes both planes and evaluates every rule without an error; once a
 * service took calls, failed some and failed a deploy, every recording rule, every query of every panel
 * of every dashboard in {@code ops/monitoring/grafana} and every dashboard variable returns data.
 */
class MonitoringIT {
    static final Path MONITORING = LeverPlatform.HOME.resolve("ops/monitoring");
    private static final String SERVICE = "shop";
    private static final Pattern RECORD = Pattern.compile("^\\s*- record: (\\S+)", Pattern.MULTILINE);
    private static final Pattern ALERT = Pattern.compile("^\\s*- alert: (\\S+)", Pattern.MULTILINE);
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)");

    @TempDir
    static Path temp;

    static LeverPlatform platform;
    static PrometheusServer prometheus;

    @BeforeAll
    static void start() {
        platform = LeverPlatform.start("monitoring");
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void promtoolAcceptsTheConfigurationsTheRulesAndTheirTests() throws Exception {
        Process check = new ProcessBuilder(MONITORING.resolve("check").toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(2, TimeUnit.MINUTES))
                .as("ops/monitoring/check finished")
                .isTrue();
        assertThat(check.exitValue()).as("ops/monitoring/check:\n" + output).isZero();
        assertThat(output).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void everyRecordingRuleDashboardQueryAndVariableReturnsDataFromARealPrometheus() {
        deploy(TestServices.nodeTestServiceWith(temp, "{\"name\": \"" + SERVICE + "\", \"jsEntry\": \"server.js\"}"));
        LeverPlatform.CliResult token = platform.lever("tokens", "create", "prometheus", "--scope", "read");
        assertThat(token.exitCode()).as(token.toString()).isZero();

        prometheus = PrometheusServer.start(
                prometheusConfig(token.stdout().trim()),
                Path.of("target", "monitoring-prometheus-" + System.nanoTime()).toAbsolutePath());
        await("both planes scraped, the control plane with the read token")
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(prometheus.query("up == 1"))
                        .as("targets: %s", prometheus.api("/api/v1/targets"))
                        .extracting(sample -> sample.path("metric").path("job").asText())
                        .containsExactlyInAnyOrder("lever-data-plane", "lever-control-plane"));

        callsSucceedingAndFailing();
        LeverPlatform.CliResult broken =
                platform.lever("deploy", brokenVersion().toString());
        assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(1);
        assertThat(broken.stderr()).contains("could not start");
        callsSucceedingAndFailing();

        List<Query> queries = new ArrayList<>(recordingRules());
        List<Variable> variables = new ArrayList<>();
        for (Path dashboard : dashboards()) {
            JsonNode json = TestServices.json(read(dashboard));
            queries.addAll(panelQueries(dashboard, json));
            variables.addAll(variables(dashboard, json));
        }
        assertThat(queries).hasSizeGreaterThan(recordingRules().size());
        for (Variable variable : variables) {
            assertThat(prometheus.labelValues(variable.label(), variable.selector()))
                    .as("variable %s: label_values(%s, %s)", variable.where(), variable.selector(), variable.label())
                    .contains(variable.expected());
        }
        everyRuleIsEvaluatedWithoutError();
        await("every recording rule and dashboard query returns data")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(withoutData(queries))
                        .as("queries that return no sample (where: query)")
                        .isEmpty());
    }

    private static void deploy(Path folder) {
        LeverPlatform.CliResult deploy = platform.lever("deploy", folder.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    }

    /** A version of the service that crashes while it loads, so its deploy fails. */
    private static Path brokenVersion() {
        try {
            Path folder = Files.createTempDirectory(temp, "broken-");
            Files.writeString(
                    folder.resolve("lever.json"), "{\"name\": \"" + SERVICE + "\", \"jsEntry\": \"server.js\"}");
            Files.writeString(folder.resolve("server.js"), "throw new Error('crash at start on purpose');\n");
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For 2 s: calls that answer 200, calls whose method throws (500) and calls to no such method (404). */
    private static void callsSucceedingAndFailing() {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < end) {
            assertThat(platform.postJson("/" + SERVICE + "/echo", "[\"hi\"]").statusCode())
                    .isEqualTo(200);
            assertThat(platform.postJson("/" + SERVICE + "/fail", "[\"on purpose\"]")
                            .statusCode())
                    .isEqualTo(500);
            assertThat(platform.postJson("/" + SERVICE + "/noSuchMethod", "[]").statusCode())
                    .isEqualTo(404);
        }
    }

    /**
     * ops/monitoring/prometheus.yml with the test platform's ports, the rules of ops/monitoring/rules, a
     * 1 s scrape and evaluation interval, and {@code token} in the token file it names.
     */
    private static Path prometheusConfig(String token) {
        String config = read(MONITORING.resolve("prometheus.yml"));
        Map<String, String> replacements = new LinkedHashMap<>();
        replacements.put("127.0.0.1:8080", platform.httpAddress());
        replacements.put("127.0.0.1:8090", "127.0.0.1:" + platform.apiPort());
        replacements.put("scrape_interval: 15s", "scrape_interval: 1s");
        replacements.put("evaluation_interval: 15s", "evaluation_interval: 1s");
        replacements.put("- rules/", "- " + MONITORING.resolve("rules") + "/");
        for (Map.Entry<String, String> replacement : replacements.entrySet()) {
            assertThat(config)
                    .as("ops/monitoring/prometheus.yml (the test points it at its own platform)")
                    .contains(replacement.getKey());
            config = config.replace(replacement.getKey(), replacement.getValue());
        }
        try {
            Path folder = Files.createTempDirectory(temp, "prometheus-");
            Files.writeString(folder.resolve("prometheus.token"), token);
            return Files.writeString(folder.resolve("prometheus.yml"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PromQL query and where it comes from, for the failure message. */
    record Query(String where, String promql) {
        @Override
        public String toString() {
            return where + ": " + promql;
        }
    }

    /** A dashboard variable from {@code label_values(selector, label)}, and a value it must offer. */
    record Variable(String where, String selector, String label, String expected) {}

    private List<Query> withoutData(List<Query> queries) {
        return queries.stream()
                .filter(query -> prometheus.query(query.promql()).isEmpty())
                .toList();
    }

    private static List<Query> recordingRules() {
        List<Query> rules = new ArrayList<>();
        Matcher record = RECORD.matcher(read(MONITORING.resolve("rules/recording.yml")));
        while (record.find()) {
            rules.add(new Query("rules/recording.yml", record.group(1)));
        }
        return rules;
    }

    private static List<Path> dashboards() {
        List<Path> dashboards = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(MONITORING.resolve("grafana"), "*.json")) {
            files.forEach(dashboards::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(dashboards).as("dashboards in ops/monitoring/grafana").hasSizeGreaterThanOrEqualTo(3);
        return dashboards;
    }

    /** Every target of every panel, rows' panels included, with the dashboard's variables given test values. */
    private static List<Query> panelQueries(Path file, JsonNode dashboard) {
        List<Query> queries = new ArrayList<>();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        });
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                String where =
                        file.getFileName() + " (" + dashboard.path("title").asText() + ") panel '"
                                + panel.path("title").asText() + "' "
                                + target.path("refId").asText();
                queries.add(
                        new Query(where, substitute(where, target.path("expr").asText())));
            }
        }
        return queries;
    }

    private static List<Variable> variables(Path file, JsonNode dashboard) {
        List<Variable> variables = new ArrayList<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (!variable.path("type").asText().equals("query")) {
                continue;
            }
            String name = variable.path("name").asText();
            JsonNode query = variable.path("query");
            String text =
                    query.isTextual() ? query.asText() : query.path("query").asText();
            Matcher labelValues = LABEL_VALUES.matcher(text);
            String where = file.getFileName() + " $" + name;
            assertThat(labelValues.matches()).as(where + ": " + text).isTrue();
            variables.add(new Variable(
                    where,
                    substitute(where, labelValues.group(1)),
                    labelValues.group(2),
                    testValues().get("$" + name)));
        }
        return variables;
    }

    /** What Grafana would put for the variables: the test's environment, service and data plane. */
    private static Map<String, String> testValues() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("$__rate_interval", "1m");
        values.put("$__interval", "15s");
        values.put("$__range", "5m");
        values.put("$environment", "dev.lever");
        values.put("$service", SERVICE);
        values.put("$node", platform.httpAddress());
        return values;
    }

    private static String substitute(String where, String promql) {
        String query = promql;
        for (Map.Entry<String, String> value : testValues().entrySet()) {
            String name = value.getKey().substring(1);
            query = query.replace("${" + name + "}", value.getValue()).replace(value.getKey(), value.getValue());
        }
        assertThat(query)
                .as(where + ": a variable the test has no value for in " + promql)
                .doesNotContain("$");
        return query;
    }

    /** Every rule of ops/monitoring/rules is loaded, and evaluates without an error. */
    private static void everyRuleIsEvaluatedWithoutError() {
        List<String> expected = new ArrayList<>();
        recordingRules().forEach(rule -> expected.add(rule.promql()));
        Matcher alert = ALERT.matcher(read(MONITORING.resolve("rules/alerts.yml")));
        while (alert.find()) {
            expected.add(alert.group(1));
        }
        await("every rule evaluated").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<String> loaded = new ArrayList<>();
            List<String> failing = new ArrayList<>();
            for (JsonNode group : prometheus.api("/api/v1/rules").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    loaded.add(rule.path("name").asText());
                    if (!rule.path("health").asText().equals("ok")) {
                        failing.add(rule.path("name").asText() + ": "
                                + rule.path("health").asText() + " "
                                + rule.path("lastError").asText());
                    }
                }
            }
            assertThat(loaded).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(failing).as("rules not evaluated, or failing").isEmpty();
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
