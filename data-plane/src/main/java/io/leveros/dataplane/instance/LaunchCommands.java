package io.leveros.dataplane.instance;

import io.leveros.proto.control.ServiceVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that runs a version's entry point: {@code javaEntry} runs the platform's Java
 * runtime, {@code jsEntry} the Node runtime command (pluggable; the Node runtime is a later
 * issue), {@code entry} the given argv.
 */
public final class LaunchCommands {
    /** The main class of the Java service runtime (docs/contracts.md). */
    public static final String JAVA_RUNTIME_MAIN = "io.leveros.runtime.JavaRuntimeMain";

    /** lever.json's default {@code entry} in the original. */
    static final List<String> DEFAULT_ENTRY = List.of("./serve");

    private final Path javaExecutable;
    private final Path javaRuntimeLib;
    private final JavaClassArchive javaClassArchive;
    private final List<String> nodeCommand;

    /**
     * @param javaRuntimeLib the folder with the Java runtime's jars, {@code null} when not configured
     * @param javaClassArchive the Java runtime's class-data archive, {@code null} for none
     * @param nodeCommand what runs a {@code jsEntry} module; the module path is appended
     */
    public LaunchCommands(
            Path javaExecutable, Path javaRuntimeLib, JavaClassArchive javaClassArchive, List<String> nodeCommand) {
        this.javaExecutable = javaExecutable;
        this.javaRuntimeLib = javaRuntimeLib;
        this.javaClassArchive = javaClassArchive;
        this.nodeCommand = List.copyOf(nodeCommand);
    }

    /** The {@code java} of the JVM running the data plane. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public List<String> argv(ServiceVersion version, Path codeDir, int ramMb) {
        List<String> argv = new ArrayList<>();
        switch (version.getEntryCase()) {
            case JAVA -> {
                if (javaRuntimeLib == null) {
                    throw new IllegalStateException("version " + version.getVersion() + " has a javaEntry but the data"
                            + " plane was started without --java-runtime-lib; pass the Java runtime's lib folder");
                }
                argv.add(javaExecutable.toString());
                argv.add("-XX:+UseSerialGC");
                argv.add("-Xss512k");
                if (javaClassArchive != null) {
                    argv.addAll(javaClassArchive.flags());
                }
                argv.add("-Xmx" + Math.max(16, ramMb * 7 / 10) + "m");
                argv.add("-cp");
                argv.add(javaRuntimeLib.toAbsolutePath() + "/*");
                argv.add(JAVA_RUNTIME_MAIN);
                argv.add(version.getJava().getClassName());
            }
            case JS -> {
                argv.addAll(nodeCommand);
                argv.add(version.getJs().getModule());
            }
            case COMMAND -> argv.addAll(command(version.getCommand().getArgvList(), codeDir));
            case ENTRY_NOT_SET -> argv.addAll(command(DEFAULT_ENTRY, codeDir));
        }
        return argv;
    }

    /** A relative program ({@code ./serve}, {@code bin/x}, or a file in the code folder) runs from the code folder. */
    static List<String> command(List<String> entry, Path codeDir) {
        if (entry.isEmpty()) {
            return command(DEFAULT_ENTRY, codeDir);
        }
        List<String> argv = new ArrayList<>(entry);
        String program = argv.get(0);
        if (!program.startsWith("/") && (program.indexOf('/') >= 0 || Files.isRegularFile(codeDir.resolve(program)))) {
            argv.set(0, codeDir.resolve(program).normalize().toString());
        }
        return argv;
    }
}
