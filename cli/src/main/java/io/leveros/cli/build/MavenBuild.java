package io.leveros.cli.build;

import io.leveros.cli.CliException;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A service folder's Maven build: its own wrapper ({@code mvnw}), else {@code mvn} from the PATH for a
 * {@code pom.xml}. Tests are skipped: deploying is not testing.
 *
 * @param dir the service folder
 * @param maven the command that runs Maven there
 */
public record MavenBuild(Path dir, String maven) {
    /** The folder's Maven build, or {@code null} when it has none (or there is no Maven to run it). */
    public static MavenBuild in(Path dir) {
        if (Files.isRegularFile(dir.resolve("mvnw"))) {
            return new MavenBuild(dir, dir.resolve("mvnw").toString());
        }
        if (Files.isRegularFile(dir.resolve("pom.xml")) && onPath("mvn")) {
            return new MavenBuild(dir, "mvn");
        }
        return null;
    }

    /**
     * Runs {@code goal}, its output shown on {@code progress} as it goes.
     *
     * @throws CliException when it fails; nothing was deployed
     */
    public void run(String goal, String service, PrintStream progress) throws IOException {
        List<String> arguments = List.of("-B", "-q", goal, "-DskipTests");
        List<String> command = new ArrayList<>(List.of(maven));
        command.addAll(arguments);
        progress.printf(
                "Building %s: %s %s ...%n",
                service, maven.endsWith("mvnw") ? "./mvnw" : maven, String.join(" ", arguments));
        long started = System.nanoTime();
        int exit = ToolRun.run(command, dir, progress);
        if (exit != 0) {
            throw new CliException("the build of " + service + " failed (exit " + exit + ", its output is above)"
                    + "; fix it and deploy again (or deploy the folder as it is with --no-build); nothing was"
                    + " deployed");
        }
        progress.printf("Built %s in %.1f s.%n", service, (System.nanoTime() - started) / 1e9);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }
}
