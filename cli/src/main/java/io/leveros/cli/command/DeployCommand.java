package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.cli.CliException;
import io.leveros.cli.api.ControlPlaneClient;
import io.leveros.cli.archive.ServiceArchive;
import io.leveros.core.leverjson.InvalidLeverJsonException;
import io.leveros.core.leverjson.LeverJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever deploy [dir]}: uploads a service folder as a new live version. */
@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = {
            "Deploy the service in a folder (with its lever.json) to the environment (--env).",
            "The upload becomes a new immutable version, live at once."
        })
public final class DeployCommand implements Callable<Integer> {
    @ParentCommand
    LeverCommand lever;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The service folder (default: .).")
    Path folder = Path.of(".");

    @Override
    public Integer call() throws IOException {
        PrintStream progress = System.err;
        Path dir = folder.toAbsolutePath().normalize();
        LeverJson service = readLeverJson(dir);
        warnIfJavaServiceIsNotBuilt(dir, service, progress);

        Path archive = Files.createTempFile("lever-deploy-", ".tar.gz");
        try {
            progress.printf("Packing %s from %s ...%n", service.name(), dir);
            ServiceArchive.Summary summary;
            try (OutputStream out = Files.newOutputStream(archive)) {
                summary = ServiceArchive.pack(dir, out);
            }
            long size = Files.size(archive);
            progress.printf(
                    "Uploading %s (%d files, %s compressed) to %s ...%n",
                    service.name(), summary.files(), bytes(size), lever.global.env);
            JsonNode version = lever.global
                    .controlPlane()
                    .post(
                            "/environments/" + ControlPlaneClient.segment(lever.global.env) + "/deployments",
                            "application/gzip",
                            HttpRequest.BodyPublishers.ofFile(archive));
            System.out.printf(
                    "Deployed %s v%s to %s (live).%n",
                    version.path("service").asText(service.name()),
                    version.path("version").asText(),
                    version.path("environment").asText(lever.global.env));
            progress.printf("Call it with: lever invoke /%s/<method> [jsonargs...]%n", service.name());
            return 0;
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    private static LeverJson readLeverJson(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new CliException(dir + " is not a folder (expected the folder of a service, holding its lever.json)");
        }
        Path file = dir.resolve(LeverJson.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new CliException("no lever.json in " + dir + " (a service folder needs one, e.g. "
                    + "{\"name\": \"helloService\", \"javaEntry\": \"com.example.Hello\"})");
        }
        try {
            return LeverJson.parse(Files.readAllBytes(file));
        } catch (InvalidLeverJsonException e) {
            throw new CliException(file + ": " + e.getMessage());
        }
    }

    private static void warnIfJavaServiceIsNotBuilt(Path dir, LeverJson service, PrintStream progress)
            throws IOException {
        if (!(service.entry() instanceof LeverJson.JavaEntry java)) {
            return;
        }
        String classFile = java.className().replace('.', '/') + ".class";
        for (String classes : List.of("classes", "target/classes", "build/classes/java/main")) {
            if (Files.isRegularFile(dir.resolve(classes).resolve(classFile))) {
                return;
            }
        }
        for (String jars : List.of(".", "lib", "target", "build/libs")) {
            Path jarDir = dir.resolve(jars);
            if (Files.isDirectory(jarDir)) {
                try (Stream<Path> files = Files.list(jarDir)) {
                    if (files.anyMatch(f -> f.toString().endsWith(".jar"))) {
                        return;
                    }
                }
            }
        }
        progress.printf(
                "warning: %s not found under classes/, target/classes/ or build/classes/java/main/ and no .jar in"
                        + " the folder, lib/, target/ or build/libs/: build the service first (e.g. mvn package)%n",
                classFile);
    }

    private static String bytes(long size) {
        if (size < 1024) {
            return size + " B";
        }
        if (size < 1024 * 1024) {
            return String.format("%.1f KiB", size / 1024.0);
        }
        return String.format("%.1f MiB", size / (1024.0 * 1024));
    }
}
