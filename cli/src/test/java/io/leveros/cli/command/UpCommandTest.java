package io.leveros.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** What {@code lever up} refuses before it starts anything. */
class UpCommandTest {

    @Test
    void aStoreThatIsNeitherFileNorRedisIsRefusedNamingTheAcceptedForms() {
        StringWriter err = new StringWriter();
        var commandLine = LeverCommand.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute("up", "--store", "redis://only-a-host");
        assertThat(exit).isNotZero();
        assertThat(err.toString())
                .contains("--store: 'redis://only-a-host' is not a store (expected: file or redis://host:port[/db])");
    }

    @Test
    void theStoreDefaultsToTheFileStore() {
        var commandLine = LeverCommand.commandLine();
        commandLine.parseArgs("up");
        UpCommand up = commandLine.getSubcommands().get("up").getCommand();
        assertThat(up.store).isEqualTo(System.getenv().getOrDefault("LEVEROS_STORE", "file"));
    }

    @Test
    void aLogFormatOtherThanTextOrJsonIsRefused() {
        StringWriter err = new StringWriter();
        var commandLine = LeverCommand.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("up", "--log-format", "xml")).isNotZero();
        assertThat(err.toString()).contains("--log-format: 'xml' (expected: text or json)");
    }

    @Test
    void anOtlpEndpointMustBeAnHttpUrl() {
        StringWriter err = new StringWriter();
        var commandLine = LeverCommand.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("up", "--otlp-endpoint", "127.0.0.1:4318"))
                .isNotZero();
        assertThat(err.toString())
                .contains("--otlp-endpoint: '127.0.0.1:4318' (expected: the http://host:port of an OTLP/HTTP"
                        + " collector, e.g. http://127.0.0.1:4318)");
    }

    @Test
    void aRuntimeOtherThanProcessOrDockerIsRefused() {
        StringWriter err = new StringWriter();
        var commandLine = LeverCommand.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("up", "--runtime", "podman")).isNotZero();
        assertThat(err.toString()).contains("--runtime: 'podman' (expected: process or docker)");
    }

    @Test
    void anImageTagMustBeOne() {
        StringWriter err = new StringWriter();
        var commandLine = LeverCommand.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("up", "--runtime", "docker", "--image-tag", "x:y"))
                .isNotZero();
        assertThat(err.toString()).contains("--image-tag: 'x:y' is not an image tag");
    }
}
