package io.leveros.cli.platform;

import io.leveros.cli.CliException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    private Path built(Path path, String what) {
        if (!Files.exists(path)) {
            throw new CliException(
                    what + " is not built (" + path + " is missing): run ./mvnw -DskipTests package in " + root);
        }
        return path;
    }
}
