package io.leveros.systemtests;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven through chromedriver, both Debian's ({@code apt-get install chromium
 * chromium-driver}): nothing downloads a browser or a driver. Without them the tests that need one are
 * skipped with a message, except in CI ({@code CI=true}), where that is a failure: CI installs them.
 */
final class Chromium {
    static final Path BROWSER = Path.of(System.getProperty("lever.it.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("lever.it.chromedriver", "/usr/bin/chromedriver"));
    /** Where the tests save what the pages looked like. */
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private Chromium() {}

    /** A browser window of 1280×800, or the test is skipped (failed in CI) when there is none. */
    static WebDriver start() {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            String message = "no Chromium here (" + BROWSER + ", " + DRIVER
                    + "): apt-get install chromium chromium-driver to run the console's browser tests";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message + " (CI must have them)");
            }
            Assumptions.abort(message);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox", // tests run as root in CI
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-extensions",
                "--no-first-run",
                "--window-size=1280,800");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .build();
        ChromeDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return browser;
    }

    /** Saves the page as {@code target/console-screenshots/<name>.png}. */
    static void screenshot(WebDriver browser, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
            Files.write(SCREENSHOTS.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
