package io.leveros.dataplane.instance;

import io.leveros.proto.control.ServiceVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command that runs a version's entry point: {@code javaEntry} runs the platform's Java
 * runtime, {@code jsEntry} the Node runtime ({@code runtimes/node}), {@code entry} the given argv.
 */
public final class LaunchCommands {
    /** What a Java instance's memory limit keeps for the JVM beyond its heap. */
    static final int JAVA_NON_HEAP_MB = 128;

    /** The main class of the Java service runtime (docs/contracts.md). */
    public static final String JAVA_RUNTIME_MAIN = "io.leveros.runtime.JavaRuntimeMain";

    /** The Node runtime's entry point, inside its package folder. */
    public static final String NODE_RUNTIME_MAIN = "bin/lever-node-runtime.js";

    private final Path javaExecutable;
    private final Path javaRuntimeLib;
    private final JavaClassArchive javaClassArchive;
    private final String node;
    private final Path nodeRuntime;

    /**
     * @param javaRuntimeLib the folder with the Java runtime's jars, {@code null} when not configured
     * @param javaClassArchive the Java runtime's class-data archive, {@code null} for none
     * @param node the node executable
     * @param nodeRuntime the Node runtime package's folder, {@code null} when not configured
     */
    public LaunchCommands(
            Path javaExecutable,
            Path javaRuntimeLib,
            JavaClassArchive javaClassArchive,
            String node,
            Path nodeRuntime) {
        this.javaExecutable = javaExecutable;
        this.javaRuntimeLib = javaRuntimeLib;
        this.javaClassArchive = javaClassArchive;
        this.node = node;
        this.nodeRuntime = nodeRuntime;
    }

    /** The {@code java} of the JVM running the data plane. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * @param codeDir the code folder the instance runs in
     * @param tmpDir the instance's own temporary folder
     */
    public List<String> argv(ServiceVersion version, Path codeDir, int ramMb, Path tmpDir) {
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
                // no /tmp/hsperfdata_<uid> folder: each instance has its own uid, and only its own folder
                argv.add("-XX:-UsePerfData");
                argv.add("-Djava.io.tmpdir=" + tmpDir);
                if (javaClassArchive != null) {
                    argv.addAll(javaClassArchive.flags());
                }
                argv.add("-Xmx" + javaHeapMb(ramMb) + "m");
                // A heap that ran out leaves a JVM broken in ways no caller can see: exit, and be replaced.
                argv.add("-XX:+ExitOnOutOfMemoryError");
                argv.add("-cp");
                argv.add(javaRuntimeLib.toAbsolutePath() + "/*");
                argv.add(JAVA_RUNTIME_MAIN);
                argv.add(version.getJava().getClassName());
            }
            case JS -> {
                if (nodeRuntime == null) {
                    throw new IllegalStateException("version " + version.getVersion() + " has a jsEntry but the data"
                            + " plane was started without --node-runtime; pass the Node runtime's folder");
                }
                argv.add(node);
                // As the original: the V8 heap gets 90 % of the instance's memory.
                argv.add("--max-old-space-size=" + Math.max(16, ramMb * 9 / 10));
                argv.add(nodeRuntime.resolve(NODE_RUNTIME_MAIN).toString());
                argv.add(version.getJs().getModule());
            }
            case COMMAND -> argv.addAll(command(version.getCommand().getArgvList(), codeDir));
            case ENTRY_NOT_SET ->
                throw new IllegalStateException("version " + version.getVersion() + " names no entry point (lever.json"
                        + " needs one of entry, jsEntry, javaEntry): deploy it again");
        }
        return argv;
    }

    /** Environment variables an instance of {@code version} runs with besides the platform's. */
    public Map<String, String> environment(ServiceVersion version) {
        // glibc's malloc keeps an arena per thread by default: tens of MB a JVM's limit must hold
        return version.hasJava() ? Map.of("MALLOC_ARENA_MAX", "2") : Map.of();
    }

    /**
     * The heap of a Java instance with {@code ramMb} in all: 70 % of it, but at least {@value
     * #JAVA_NON_HEAP_MB} MB left for the rest of the JVM. Measured with native memory tracking while
     * the runtime echoed a 1 GiB stream, the JVM held about 95 MB besides a full heap (class-data
     * archive 37 MB, compiler arenas 17 MB, direct buffers 12 MB, code 12 MB, malloc, threads,
     * metaspace); a heap of 70 % (179 MB) of the default 256 MB, and even of 256 - 100 MB, took
     * the process over its memory limit.
     */
    static int javaHeapMb(int ramMb) {
        return Math.max(16, Math.min(ramMb * 7 / 10, ramMb - JAVA_NON_HEAP_MB));
    }

    /** A relative program ({@code ./serve}, {@code bin/x}, or a file in the code folder) runs from the code folder. */
    static List<String> command(List<String> entry, Path codeDir) {
        List<String> argv = new ArrayList<>(entry);
        String program = argv.get(0);
        if (!program.startsWith("/") && (program.indexOf('/') >= 0 || Files.isRegularFile(codeDir.resolve(program)))) {
            argv.set(0, codeDir.resolve(program).normalize().toString());
        }
        return argv;
    }
}
