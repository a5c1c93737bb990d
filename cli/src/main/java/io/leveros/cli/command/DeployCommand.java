package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.cli.CliException;
import io.leveros.cli.api.ControlPlaneClient;
import io.leveros.cli.archive.ServiceArchive;
import io.leveros.cli.build.MavenBuild;
import io.leveros.core.javaservice.ServiceClassPath;
import io.leveros.core.leverjson.InvalidLeverJsonException;
import io.leveros.core.leverjson.LeverJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever deploy [dir]}: uploads a service folder as a new version and waits until it is live. */
@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = {
            "Deploy the service in a folder (with its lever.json) to the environment (--env).",
            "The upload becomes a new immutable version. Its instances start (as many as the live version",
            "runs, at least one) while the live version serves; once they are ready, new calls go to it and",
            "the old instances finish their calls and stop. A version that cannot start never takes a call:",
            "the deploy fails with its last output. Waits for that, showing progress, unless --no-wait.",
            "A Java service with a Maven build (mvnw or pom.xml) and no build output yet is built first",
            "(package, tests skipped); --no-build deploys the folder as it is."
        })
public final class DeployCommand implements Callable<Integer> {
    @ParentCommand
    LeverCommand lever;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The service folder (default: .).")
    Path folder = Path.of(".");

    @Option(names = "--no-build", description = "Deploy the folder as it is, even a Java service not built yet.")
    boolean noBuild;

    @Option(
            names = "--no-wait",
            description = "Return once the upload is accepted, while the version starts (lever versions shows its"
                    + " state).")
    boolean noWait;

    @Override
    public Integer call() throws IOException {
        Deployed deployed = deploy(lever.global, folder.toAbsolutePath().normalize(), !noBuild, System.err);
        if (noWait) {
            System.out.printf(
                    "Deployed %s v%d to %s (starting; lever versions %s shows when it is live).%n",
                    deployed.service(), deployed.version(), deployed.environment(), deployed.service());
            return 0;
        }
        StartWait.Outcome outcome = StartWait.await(lever.global, deployed.service(), deployed.version(), System.err);
        if (!outcome.live()) {
            System.out.printf(
                    "Deployed %s v%d to %s, but v%d was started meanwhile and replaced it.%n",
                    deployed.service(), deployed.version(), deployed.environment(), outcome.replacedBy());
            return 0;
        }
        System.out.printf(
                "Deployed %s v%d to %s (live%s, started in %.1f s).%n",
                deployed.service(),
                deployed.version(),
                deployed.environment(),
                outcome.replacedVersion() > 0 ? "; v" + outcome.replacedVersion() + " drains" : "",
                outcome.took().toMillis() / 1000.0);
        System.err.printf("Call it with: lever invoke /%s/<method> [jsonargs...]%n", deployed.service());
        return 0;
    }

    /** What a deploy uploaded: the new version, starting. */
    record Deployed(String service, long version, String environment) {}

    /**
     * Packs {@code dir} and uploads it as a new version of its service (which then starts), building a Java service
     * that has no build output first when {@code buildIfNeeded}.
     *
     * @param progress where the steps (and a build's output) are told
     * @throws CliException saying what was wrong; nothing was deployed
     */
    static Deployed deploy(GlobalOptions global, Path dir, boolean buildIfNeeded, PrintStream progress)
            throws IOException {
        LeverJson service = readLeverJson(dir);
        if (service.entry() instanceof LeverJson.JavaEntry java && !isBuilt(dir, java)) {
            MavenBuild build = MavenBuild.in(dir);
            if (buildIfNeeded && build != null) {
                build.run("package", service.name(), progress);
                if (!isBuilt(dir, java)) {
                    throw new CliException("the build of " + service.name() + " succeeded but " + classFile(java)
                            + " is still not under target/classes/ (is lever.json's javaEntry the right class?);"
                            + " nothing was deployed");
                }
            } else {
                progress.println(notBuiltWarning(java));
            }
        }
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
                    service.name(), summary.files(), bytes(size), global.env);
            JsonNode version = global.controlPlane()
                    .post(
                            "/environments/" + ControlPlaneClient.segment(global.env) + "/deployments",
                            "application/gzip",
                            HttpRequest.BodyPublishers.ofFile(archive));
            return new Deployed(
                    version.path("service").asText(service.name()),
                    version.path("version").asLong(),
                    version.path("environment").asText(global.env));
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    static LeverJson readLeverJson(Path dir) throws IOException {
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

    /** Whether the entry class is in a class folder, or there is a jar, where the Java runtime looks. */
    private static boolean isBuilt(Path dir, LeverJson.JavaEntry java) {
        String classFile = classFile(java);
        return ServiceClassPath.in(dir).entries().stream()
                .anyMatch(entry -> !Files.isDirectory(entry) || Files.isRegularFile(entry.resolve(classFile)));
    }

    private static String classFile(LeverJson.JavaEntry java) {
        return java.className().replace('.', '/') + ".class";
    }

    private static String notBuiltWarning(LeverJson.JavaEntry java) {
        return "warning: " + classFile(java) + " is in none of " + ServiceClassPath.searchedPlaces()
                + ": build the service first (e.g. ./mvnw package)";
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
