package io.leveros.cli.build;

import io.leveros.core.javaservice.ServiceClassPath;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles a Maven-layout service's {@code src/main/java} into {@code target/classes} with the JDK's
 * compiler in this process: what {@code lever dev} does after a source edit instead of starting
 * Maven (seconds of JVM start and project model for what javac does in under one). The class path is
 * what the Java runtime loads the service from ({@link ServiceClassPath}: the classes already built
 * and the jars beside them) and {@code lever-java-api}.
 * Resources, generated sources and anything else of the build are Maven's: {@code lever dev} runs
 * Maven when other files change.
 */
public final class QuickJavaCompile {
    private QuickJavaCompile() {}

    /** What a compile said: {@code ok}, and the compiler's messages (errors with file and line). */
    public record Result(boolean ok, int sources, String messages) {}

    /** Whether {@code dir} has the layout this compiles and this JVM has a compiler. */
    public static boolean applies(Path dir) {
        return Files.isDirectory(dir.resolve("src/main/java"))
                && Files.isDirectory(dir.resolve("target/classes"))
                && ToolProvider.getSystemJavaCompiler() != null;
    }

    public static Result compile(Path dir, Path apiJar) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(dir.resolve("src/main/java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        // What the Java runtime will load the service from (target/classes among it), and the API.
        List<String> classPath = new ArrayList<>();
        ServiceClassPath.in(dir).entries().forEach(entry -> classPath.add(entry.toString()));
        classPath.add(apiJar.toString());
        List<String> options = List.of(
                "-d",
                dir.resolve("target/classes").toString(),
                "-classpath",
                String.join(File.pathSeparator, classPath),
                "-parameters",
                "--release",
                "21",
                "-proc:none",
                "-implicit:none");
        StringWriter messages = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
            boolean ok = javac.getTask(messages, files, null, options, null, files.getJavaFileObjectsFromPaths(sources))
                    .call();
            return new Result(ok, sources.size(), messages.toString());
        }
    }
}
