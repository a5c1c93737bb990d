package io.leveros.dataplane.container;

import io.leveros.dataplane.instance.JavaClassArchive;
import io.leveros.dataplane.instance.LaunchCommands;
import io.leveros.proto.control.ServiceVersion;
import java.nio.file.Path;
import java.util.List;

/**
 * The images instances run in, built on the node by {@code ops/images/build} (no registry is assumed):
 * {@code leveros/java-runtime} has a JRE at {@code /opt/java} and the Java runtime's jars in {@code
 * /opt/lever/java-runtime/lib} and their class-data archive, {@code /opt/lever/java-runtime.jsa} (made by
 * a training run when the image is built); {@code leveros/node-runtime} has {@code /usr/local/bin/node} and the
 * Node runtime package in {@code /opt/lever/node-runtime}, and also runs {@code entry} commands (a
 * Debian root with {@code sh} and Node.js). A version's code is mounted at {@link #CODE}.
 *
 * @param tag the images' tag ({@code --image-tag}, default {@code latest})
 */
public record ContainerImages(String tag) {
    /** Where an instance's code is mounted (read-only) and where it runs. */
    public static final Path CODE = Path.of("/lever/code");

    /** The instance's own writable folder, a small tmpfs. */
    public static final Path TMP = Path.of("/tmp");

    public String javaRuntime() {
        return "leveros/java-runtime:" + tag;
    }

    public String nodeRuntime() {
        return "leveros/node-runtime:" + tag;
    }

    public List<String> all() {
        return List.of(javaRuntime(), nodeRuntime());
    }

    /** The image {@code version} runs in. */
    public String of(ServiceVersion version) {
        return version.hasJava() ? javaRuntime() : nodeRuntime();
    }

    /** The commands as they run inside these images. */
    public static LaunchCommands launchCommands() {
        return new LaunchCommands(
                Path.of("/opt/java/bin/java"),
                Path.of("/opt/lever/java-runtime/lib"),
                JavaClassArchive.madeAt(Path.of("/opt/lever/java-runtime.jsa")),
                "/usr/local/bin/node",
                Path.of("/opt/lever/node-runtime"));
    }
}
