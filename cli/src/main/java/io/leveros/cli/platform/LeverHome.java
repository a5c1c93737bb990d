package io.leveros.cli.platform;

import io.leveros.cli.CliException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where the built platform components are: the repository (or unpacked distribution) that the
 * {@code bin/lever} launcher belongs to. The launcher passes it as {@code -Dlever.home}.
 */
public record LeverHome(Path root) {

    public static LeverHome locate() {
        String property = System.getProperty("lever.home");
        if (property != null && !property.isBlank()) {
            return new LeverHome(Path.of(property).toAbsolutePath().normalize());
        }
        try {
            // cli/target/lib/lever-cli.jar -> the repository root
            Path jar = Path.of(LeverHome.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return new LeverHome(jar.getParent().getParent().getParent().getParent());
        } catch (URISyntaxException | NullPointerException e) {
            throw new CliException("cannot tell where Lever is installed: run it through bin/lever");
        }
    }

    public Path controlPlaneJar() {
        return built(root.resolve("control-plane/target/lever-control-plane.jar"), "the control plane");
    }

    public Path dataPlaneLib() {
        return built(root.resolve("data-plane/target/lib"), "the data plane");
    }

    public Path javaRuntimeLib() {
        return built(root.resolve("runtimes/java/runtime/target/lib"), "the Java runtime");
    }

    /**
     * The Node runtime package (with its dependencies installed), or {@code null} when it is not
     * there: the platform then runs everything but {@code jsEntry} services.
     */
    public Path nodeRuntime() {
        Path runtime = root.resolve("runtimes/node");
        return Files.isDirectory(runtime.resolve("node_modules")) ? runtime : null;
    }

    /** The built {@code lever-java-api} jar: what a Java service compiles against. */
    public Path javaApiJar() {
        Path target = built(root.resolve("runtimes/java/api/target"), "the Java service API");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(file -> {
                        String name = file.getFileName().toString();
                        return name.startsWith("lever-java-api-")
                                && name.endsWith(".jar")
                                && !name.endsWith("-sources.jar")
                                && !name.endsWith("-javadoc.jar");
                    })
                    .findFirst()
                    .orElseThrow(() -> new CliException("the Java service API is not built (no lever-java-api jar in "
                            + target + "): run ./mvnw -DskipTests install in " + root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path built(Path path, String what) {
        if (!Files.exists(path)) {
            throw new CliException(
                    what + " is not built (" + path + " is missing): run ./mvnw -DskipTests package in " + root);
        }
        return path;
    }
}
