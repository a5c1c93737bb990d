package io.leveros.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium against a real {@code lever up}: what a developer does
 * in it from signing in to deleting the environment, each page saved as a screenshot under {@code
 * target/console-screenshots/}; and what it must not do: run a service's reply or output as HTML, show
 * anything without a session, run without its Content-Security-Policy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
    private static final String ENV = "console.lever";
    private static final String SERVICE_JS = """
            module.exports.hello = async (name) => {
              console.log('greeted ' + name);
              return 'Hello, ' + name + '!';
            };
            module.exports.html = async () => {
              console.log('<img src=x onerror="window.pwnedByLog=1">');
              return '<script>window.pwnedByReply=1</script><img src=x onerror="window.pwnedByReply=2">';
            };
            module.exports.version = async () => process.env.LEVEROS_CODE_VERSION;
            module.exports.echoChan = (stream, prefix) => {
              stream.on('data', (message) => stream.write(prefix + message));
              stream.on('end', () => stream.end());
            };
            """;

    @TempDir
    static Path temp;

    static LeverPlatform platform;
    static WebDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() {
        browser = Chromium.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        platform = LeverPlatform.start("console");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void withoutASessionThePageAsksToSignInAndShowsNothingElse() {
        browser.get(consoleUrl() + "#/environments");
        wait.until(ExpectedConditions.visibilityOfElementLocated(test("sign-in")));
        assertThat(browser.findElements(test("environments"))).isEmpty();
        Chromium.screenshot(browser, "01-sign-in");

        browser.findElement(test("token")).sendKeys("lvt_not-a-token");
        browser.findElement(test("sign-in-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(test("sign-in-error")));
        assertThat(browser.findElement(test("sign-in-error")).getText()).contains("not a token of this control plane");
        assertThat(browser.findElements(test("environments"))).isEmpty();
    }

    @Test
    @Order(2)
    void leverConsolePrintsALinkThatSignsInOnceWithoutTheToken() {
        LeverPlatform.CliResult console = platform.lever("console");
        assertThat(console.exitCode()).as(console.toString()).isZero();
        String link = console.stdout().strip();
        assertThat(link).startsWith(platform.apiUrl() + "/#/sign-in?code=lvc_").doesNotContain(platform.token());

        long opened = System.nanoTime();
        browser.get(link);
        wait.until(ExpectedConditions.textToBe(test("whoami"), "root"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(test("environments")));
        figure("sign-in link opened -> environments listed", opened);
        assertThat(browser.getCurrentUrl()).doesNotContain("lvc_");
        Object stored = js("return JSON.stringify(Object.assign({}, localStorage)) + document.cookie;");
        assertThat(stored.toString()).doesNotContain(platform.token()).doesNotContain("lever_console");
        Chromium.screenshot(browser, "02-environments");

        assertThat(platform.logText())
                .doesNotContain(platform.token())
                .doesNotContain(link.substring(link.indexOf("lvc_")));

        browser.manage().deleteAllCookies();
        browser.get(link);
        wait.until(ExpectedConditions.visibilityOfElementLocated(test("sign-in-error")));
        assertThat(browser.findElement(test("sign-in-error")).getText()).contains("used already");
        signIn();
    }

    @Test
    @Order(3)
    void createsAnEnvironment() {
        browser.get(consoleUrl() + "#/environments");
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(test("new-environment")));
        name.sendKeys("Not Valid");
        browser.findElement(test("create-environment")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(test("create-environment-error")));

        type(name, ENV, Keys.ENTER); // the keyboard is enough
        wait.until(ExpectedConditions.presenceOfElementLocated(environmentRow(ENV)));
        assertThat(platform.api("/environments/" + ENV)).contains("\"name\":\"" + ENV + "\"");
    }

    @Test
    @Order(4)
    void deploysAnArchiveAndShowsTheInstanceThatACallStarts() throws IOException {
        browser.get(consoleUrl() + "#/environments/" + ENV);
        wait.until(ExpectedConditions.visibilityOfElementLocated(test("empty")));
        assertThat(browser.findElement(test("empty")).getText()).contains("lever deploy");
        Chromium.screenshot(browser, "03-environment-empty");

        browser.findElement(test("deploy-link")).click();
        WebElement archive = wait.until(ExpectedConditions.presenceOfElementLocated(test("archive")));
        Path broken = temp.resolve("broken.tar.gz");
        Files.write(broken, Archives.tarGz(Map.of("lever.json", "{\"name\": \"greeter\"}")));
        archive.sendKeys(broken.toString());
        browser.findElement(test("deploy-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(test("deploy-error")));
        assertThat(browser.findElement(test("deploy-error")).getText()).contains("entry");
        Chromium.screenshot(browser, "04-deploy-error");

        Path good = temp.resolve("greeter.tar.gz");
        Files.write(good, service("v1"));
        browser.navigate().refresh();
        archive = wait.until(ExpectedConditions.presenceOfElementLocated(test("archive")));
        archive.sendKeys(good.toString());
        browser.findElement(test("deploy-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(test("deploy-result"), "greeter"));
        Chromium.screenshot(browser, "05-deployed");

        browser.get(consoleUrl() + "#/environments/" + ENV);
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(serviceRow("greeter")));
        assertThat(row.findElement(test("live-version")).getText()).contains("1");
        long called = System.nanoTime();
        assertThat(call("hello", "[\"wall\"]")).isEqualTo("\"Hello, wall!\"");
        wait.until(driver -> driver.findElement(serviceRow("greeter"))
                .findElement(test("instances-ready"))
                .getText()
                .strip()
                .equals("1"));
        figure("first call (cold start) sent -> its instance shown ready on the live page", called);
        Chromium.screenshot(browser, "06-services");
    }

    @Test
    @Order(5)
    void invokesMethodsAndStreamsFromThePageAndShowsWhatServicesSendAsText() {
        browser.get(consoleUrl() + "#/environments/" + ENV + "/services/greeter");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.tagName("main"), "onerror='window.pwnedByDescription=1'"));
        assertThat(js("return String(window.pwnedByDescription)")).isEqualTo("undefined");

        browser.get(consoleUrl() + "#/environments/" + ENV + "/services/greeter/invoke");
        WebElement method = wait.until(ExpectedConditions.visibilityOfElementLocated(test("method")));
        method.sendKeys("hello");
        WebElement args = browser.findElement(test("args"));
        type(args, "[\"World\"]");
        browser.findElement(test("call")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(test("reply"), "Hello, World!"));
        assertThat(browser.findElement(test("elapsed")).getText()).containsPattern("\\d+ ?ms");
        Chromium.screenshot(browser, "07-invoke");

        type(method, "html");
        type(args, "[]");
        browser.findElement(test("call")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(test("reply"), "<script>"));
        assertThat(browser.findElement(test("reply")).getText()).contains("window.pwnedByReply=1");
        assertThat(js("return String(window.pwnedByReply)")).isEqualTo("undefined");

        type(method, "echoChan");
        type(args, "[\"echo: \"]");
        browser.findElement(test("stream")).click();
        browser.findElement(test("call")).click();
        WebElement message = wait.until(ExpectedConditions.elementToBeClickable(test("stream-message")));
        message.sendKeys("\"ping\"");
        browser.findElement(test("stream-send")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(test("stream-received"), "echo: ping"));
        browser.findElement(test("stream-close")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(test("stream-messages"), "Closed: code 1000"));
        Chromium.screenshot(browser, "07-invoke-stream");
    }

    @Test
    @Order(6)
    void readsTheServicesOutputLiveAndAsText() {
        browser.get(consoleUrl() + "#/environments/" + ENV + "/services/greeter/logs");
        wait.until(ExpectedConditions.presenceOfElementLocated(test("logs")));
        assertThat(call("hello", "[\"log reader\"]")).isEqualTo("\"Hello, log reader!\"");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(test("logs"), "greeted log reader"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(test("logs"), "onerror=\"window.pwnedByLog=1\""));
        assertThat(js("return String(window.pwnedByLog)")).isEqualTo("undefined");
        Chromium.screenshot(browser, "08-logs");

        browser.findElement(test("log-grep")).sendKeys("log reader");
        wait.until(driver -> driver.findElements(test("log-line")).stream()
                .allMatch(line -> line.getText().contains("log reader")));
        assertThat(browser.findElements(test("log-line"))).isNotEmpty();
    }

    @Test
    @Order(7)
    void rollsBackToTheVersionBeforeAndSplitsTraffic() throws IOException {
        Path v2 = temp.resolve("greeter-v2");
        Files.createDirectories(v2);
        Files.writeString(v2.resolve("lever.json"), "{\"name\": \"greeter\", \"jsEntry\": \"server.js\"}");
        Files.writeString(v2.resolve("server.js"), SERVICE_JS);
        LeverPlatform.CliResult deploy = platform.lever("deploy", "--env", ENV, v2.toString());
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(call("version", "[]")).isEqualTo("\"2\"");

        browser.get(consoleUrl() + "#/environments/" + ENV + "/services/greeter/versions");
        WebElement first = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-test=version-row][data-version='1']")));
        wait.until(ExpectedConditions.attributeToBe(
                By.cssSelector("[data-test=version-row][data-version='2']"), "data-state", "live"));
        Chromium.screenshot(browser, "09-versions");
        first.findElement(test("rollback")).click();
        List<WebElement> confirm = browser.findElements(test("confirm-yes"));
        if (!confirm.isEmpty()) {
            confirm.get(0).click();
        }
        wait.until(ExpectedConditions.attributeToBe(
                By.cssSelector("[data-test=version-row][data-version='1']"), "data-state", "live"));
        assertThat(platform.api("/environments/" + ENV + "/services/greeter")).contains("\"liveVersion\":1");
        assertThat(call("version", "[]")).isEqualTo("\"1\"");

        type(percentOf(1), "90");
        type(percentOf(2), "10");
        browser.findElement(test("save-traffic")).click();
        await("the split is saved").atMost(Duration.ofSeconds(20)).until(() -> {
            String service = platform.api("/environments/" + ENV + "/services/greeter");
            return service.contains("{\"version\":1,\"percent\":90}")
                    && service.contains("{\"version\":2,\"percent\":10}");
        });
        Chromium.screenshot(browser, "09-traffic-split");
        browser.findElement(test("clear-traffic")).click();
        await("the split is cleared").atMost(Duration.ofSeconds(20)).until(() -> platform.api(
                        "/environments/" + ENV + "/services/greeter")
                .contains("\"traffic\":[]"));
    }

    private static WebElement percentOf(int version) {
        return browser.findElement(By.cssSelector("[data-test=traffic-percent][data-version='" + version + "']"));
    }

    @Test
    @Order(8)
    void showsTheAutoscalersDecisions() {
        browser.get(consoleUrl() + "#/environments/" + ENV + "/services/greeter/scaling");
        wait.until(ExpectedConditions.presenceOfElementLocated(test("instances-chart")));
        wait.until(driver -> !driver.findElements(test("decision-row")).isEmpty()
                || !driver.findElements(test("empty")).isEmpty());
        // The page hears of a new decision on the events stream's next tick (2 s), so for that long it
        // may lag GET /api/v1/scaling by one: compare until they agree.
        await("the page agrees with the API").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            long decided = greeterDecisions(platform.api("/scaling"));
            assertThat(browser.findElements(test("decision-row")).size())
                    .as("the page shows the decisions GET /api/v1/scaling has for greeter")
                    .isEqualTo((int) Math.min(decided, 50));
        });
        Chromium.screenshot(browser, "10-scaling");
    }

    @Test
    @Order(9)
    void deletesTheEnvironmentAfterSayingWhatWillStop() {
        browser.get(consoleUrl() + "#/environments");
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(environmentRow(ENV)));
        row.findElement(test("delete-environment")).click();
        WebElement confirm = wait.until(ExpectedConditions.visibilityOfElementLocated(test("confirm")));
        assertThat(confirm.getText()).contains(ENV).contains("greeter");
        Chromium.screenshot(browser, "11-delete-environment");
        confirm.findElement(test("confirm-yes")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(environmentRow(ENV), 0));
        assertThat(platform.api("/environments")).doesNotContain(ENV);
    }

    @Test
    @Order(10)
    void pagesAreServedWithAContentSecurityPolicyAndWorkOnAPhone() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(consoleUrl())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("script-src 'self'")
                .contains("connect-src 'self' http://127.0.0.1:" + platform.httpPort()));
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=");

        ChromeDriver chrome = (ChromeDriver) browser;
        chrome.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
        browser.get(consoleUrl() + "#/environments");
        wait.until(ExpectedConditions.visibilityOfElementLocated(test("environments")));
        Object wider = js("""
                return [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                    .filter(e => !e.closest('.table-wrap'))
                    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
                    .join(', ')""");
        assertThat(wider)
                .as("elements wider than a 390 px phone (tables scroll inside their frame)")
                .isEqualTo("");
        browser.findElement(test("theme")).click();
        Chromium.screenshot(browser, "12-phone");
        chrome.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());

        browser.findElement(test("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(test("sign-in")));
        browser.get(consoleUrl() + "#/environments");
        wait.until(ExpectedConditions.visibilityOfElementLocated(test("sign-in")));
    }

    /** How many of the decisions in a GET /api/v1/scaling answer are greeter's. */
    private static long greeterDecisions(String scaling) {
        String decisions = scaling.substring(scaling.indexOf("\"decisions\""));
        return decisions.split("\"service\":\"greeter\"", -1).length - 1;
    }

    /** A measured figure for docs/console.md, as {@code CONSOLE FIGURE <what>: <ms> ms}. */
    private static void figure(String what, long sinceNanos) {
        System.out.printf("CONSOLE FIGURE %s: %d ms%n", what, (System.nanoTime() - sinceNanos) / 1_000_000);
    }

    /**
     * Replaces what a field holds the way a user does (select all, type): WebElement.clear() sends no
     * input event, so the page's state would keep the old text and put it back at its next render.
     */
    private static void type(WebElement field, CharSequence... keys) {
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        field.sendKeys(keys);
    }

    private static void signIn() {
        LeverPlatform.CliResult console = platform.lever("console");
        assertThat(console.exitCode()).as(console.toString()).isZero();
        browser.get(console.stdout().strip());
        wait.until(ExpectedConditions.textToBe(test("whoami"), "root"));
    }

    private static byte[] service(String label) {
        return Archives.tarGz(Map.of(
                "lever.json",
                "{\"name\": \"greeter\", \"jsEntry\": \"server.js\","
                        + " \"description\": \"<img src=x onerror='window.pwnedByDescription=1'> " + label + "\"}",
                "server.js",
                SERVICE_JS));
    }

    private static String call(String method, String args) {
        HttpResponse<byte[]> reply = platform.postJson("/greeter/" + method + "?forceenv=" + ENV, args);
        return new String(reply.body(), StandardCharsets.UTF_8);
    }

    private static String consoleUrl() {
        return platform.apiUrl() + "/";
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static By test(String name) {
        return By.cssSelector("[data-test='" + name + "']");
    }

    private static By environmentRow(String name) {
        return By.cssSelector("[data-test=environment-row][data-name='" + name + "']");
    }

    private static By serviceRow(String name) {
        return By.cssSelector("[data-test=service-row][data-name='" + name + "']");
    }
}
