package io.leveros.cli.command;

import io.leveros.cli.CliException;
import io.leveros.cli.build.ToolRun;
import io.leveros.cli.platform.LeverHome;
import io.leveros.cli.template.ServiceTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lever new <name> [--lang java|node] [DIR]}: a ready-to-deploy service folder. */
@Command(
        name = "new",
        mixinStandardHelpOptions = true,
        description = {
            "Write a new service, ready to deploy: lever.json, the service with a regular and a streaming method,",
            "a unit test, a README, and (Java) a Maven build that works anywhere: its pom depends on",
            "io.leveros:lever-java-api, which this puts into your local Maven repository if it is not there yet.",
            "Then: cd DIR; ./mvnw -q package (Java) or npm test (Node.js); lever deploy."
        })
public final class NewCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "NAME",
            description = "The service's name (lever.json \"name\"): 3 to 255 letters, digits, '.', '_' or '-'.")
    String name;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "DIR",
            description = "Where to write it (default: ./NAME); it must not exist, or be empty.")
    Path dir;

    @Option(
            names = "--lang",
            paramLabel = "java|node",
            defaultValue = "java",
            description = "The service's language (default: ${DEFAULT-VALUE}).")
    String lang;

    @Override
    public Integer call() throws IOException {
        ServiceTemplate template = ServiceTemplate.forLanguage(lang);
        Path folder = (dir == null ? Path.of(name) : dir).toAbsolutePath().normalize();
        ServiceTemplate.check(name, folder);
        LeverHome home = LeverHome.locate();
        String version = leverVersion(home);
        if (template == ServiceTemplate.JAVA) {
            installJavaApi(home, version);
        }
        List<Path> written = template.write(name, folder, version, home.root());
        Path shown = Path.of("").toAbsolutePath().relativize(folder);
        System.out.printf("Wrote the %s service %s into %s:%n", template.language(), name, folder);
        written.forEach(file -> System.out.println("  " + file));
        System.out.println();
        System.out.println("Next:");
        System.out.println("  cd " + (shown.toString().isEmpty() || shown.startsWith("..") ? folder : shown));
        System.out.println(
                template == ServiceTemplate.JAVA
                        ? "  ./mvnw -q package        # build it and run its tests"
                        : "  npm test                 # run its tests");
        System.out.println("  lever deploy");
        System.out.println("  lever invoke /" + name + "/sayHello '\"world\"'");
        System.out.println("  echo '\"hey\"' | lever stream /" + name + "/shoutChan");
        return 0;
    }

    /** The platform's version: the CLI jar's, or (running from classes) the built API jar's. */
    static String leverVersion(LeverHome home) {
        String version = NewCommand.class.getPackage().getImplementationVersion();
        if (version != null) {
            return version;
        }
        String jar = home.javaApiJar().getFileName().toString();
        return jar.substring("lever-java-api-".length(), jar.length() - ".jar".length());
    }

    /**
     * Puts the built {@code lever-java-api} jar into the local Maven repository unless it is there, so
     * the new service's own build resolves it.
     */
    private static void installJavaApi(LeverHome home, String version) throws IOException {
        Path repository = Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path installed =
                repository.resolve("io/leveros/lever-java-api/" + version + "/lever-java-api-" + version + ".jar");
        if (Files.exists(installed)) {
            return;
        }
        Path built = home.javaApiJar();
        System.err.println("lever: installing io.leveros:lever-java-api:" + version
                + " into your local Maven repository (once) ...");
        // Its own pom (in the jar) names Lever's parent pom, which a machine that only built Lever does
        // not have: the repository gets a pom of its own instead (the API has no dependencies).
        Path pom = Files.createTempFile("lever-java-api-", ".pom");
        Files.writeString(pom, """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>io.leveros</groupId>
                  <artifactId>lever-java-api</artifactId>
                  <version>%s</version>
                  <name>Lever OS for the JVM: Java service API</name>
                </project>
                """.formatted(version));
        int exit = ToolRun.run(
                List.of(
                        home.root().resolve("mvnw").toString(),
                        "-B",
                        "-q",
                        "install:install-file",
                        "-Dfile=" + built,
                        "-DpomFile=" + pom),
                home.root(),
                System.err);
        Files.delete(pom);
        if (exit != 0 || !Files.exists(installed)) {
            throw new CliException("could not install lever-java-api into " + repository + " (Maven's output is"
                    + " above); nothing was written");
        }
    }
}
