package io.leveros.dataplane.instance;

import io.leveros.proto.control.ServiceVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command that runs a version's entry point: {@code javaEntry} runs the platform's Java
 * runtime, {@code jsEntry} the Node runtime ({@code runtimes/node}), {@code entry} the given argv.
 */
public final class LaunchCommands {
    /** What a Java instance's memory limit keeps for the JVM beyond its heap. */
    static final int JAVA_NON_HEAP_MB = 128;

    /** The main class of the Java service runtime (docs/contracts.md). */
    public static final String JAVA_RUNTIME_MAIN = "io.leveros.runtime.JavaRuntimeMain";

    /**
     * What a Java warm runtime needs besides an instance's flags: to open {@code java.util}, since it
     * replaces the map behind {@code System.getenv()} when told what to serve; and, since an opened
     * module differs from what the JDK's class-data archive was made with, to keep quiet about the
     * archive's module graph it then cannot use (its classes it still maps).
     */
    static final List<String> JAVA_WARM_FLAGS =
            List.of("--add-opens", "java.base/java.util=ALL-UNNAMED", "-Xlog:cds=off");

    /** What the runtimes are started with to wait, warm, for the version to serve (docs/contracts.md). */
    public static final String WARM_ARGUMENT = "--warm";

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
                checkJava(version);
                argv.addAll(java(ramMb, tmpDir, List.of()));
                argv.add(JAVA_RUNTIME_MAIN);
                argv.add(version.getJava().getClassName());
            }
            case JS -> {
                checkNode(version);
                argv.addAll(node(ramMb));
                argv.add(version.getJs().getModule());
            }
            case COMMAND -> argv.addAll(command(version.getCommand().getArgvList(), codeDir));
            case ENTRY_NOT_SET ->
                throw new IllegalStateException("version " + version.getVersion() + " names no entry point (lever.json"
                        + " needs one of entry, jsEntry, javaEntry): deploy it again");
        }
        return argv;
    }

    /** The entry points a warm runtime can be started for: those of the runtimes this data plane has. */
    public Set<ServiceVersion.EntryCase> warmable() {
        Set<ServiceVersion.EntryCase> kinds = EnumSet.noneOf(ServiceVersion.EntryCase.class);
        if (javaRuntimeLib != null) {
            kinds.add(ServiceVersion.EntryCase.JAVA);
        }
        if (nodeRuntime != null) {
            kinds.add(ServiceVersion.EntryCase.JS);
        }
        return kinds;
    }

    /**
     * The command of a warm runtime ({@code --warm}) for versions with entry point {@code kind}: as
     * {@link #argv} for one of them, but waiting to be told which.
     */
    public List<String> warmArgv(ServiceVersion.EntryCase kind, int ramMb, Path tmpDir) {
        List<String> argv = new ArrayList<>();
        switch (kind) {
            case JAVA -> {
                argv.addAll(java(ramMb, tmpDir, JAVA_WARM_FLAGS));
                argv.add(JAVA_RUNTIME_MAIN);
            }
            case JS -> argv.addAll(node(ramMb));
            default -> throw new IllegalArgumentException("no warm runtime for " + kind + " entry points");
        }
        argv.add(WARM_ARGUMENT);
        return argv;
    }

    /**
     * Whether a warm runtime for {@code kind} starts as an instance would now: a Java one not before
     * the class-data archive is made (if one is being made), or it would start and run without it.
     */
    public boolean warmable(ServiceVersion.EntryCase kind) {
        return kind != ServiceVersion.EntryCase.JAVA || javaClassArchive == null || javaClassArchive.isReady();
    }

    /** What a warm runtime is told to run for {@code version}: its argv after the runtime's own. */
    public static List<String> warmOrderArgs(ServiceVersion version) {
        return switch (version.getEntryCase()) {
            case JAVA -> List.of(version.getJava().getClassName());
            case JS -> List.of(version.getJs().getModule());
            default -> throw new IllegalArgumentException("no warm runtime for " + version.getEntryCase());
        };
    }

    private void checkJava(ServiceVersion version) {
        if (javaRuntimeLib == null) {
            throw new IllegalStateException("version " + version.getVersion() + " has a javaEntry but the data"
                    + " plane was started without --java-runtime-lib; pass the Java runtime's lib folder");
        }
    }

    private void checkNode(ServiceVersion version) {
        if (nodeRuntime == null) {
            throw new IllegalStateException("version " + version.getVersion() + " has a jsEntry but the data"
                    + " plane was started without --node-runtime; pass the Node runtime's folder");
        }
    }

    /** {@code java} and its flags up to the main class, {@code moreFlags} before the class path. */
    private List<String> java(int ramMb, Path tmpDir, List<String> moreFlags) {
        List<String> argv = new ArrayList<>();
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
        argv.addAll(moreFlags);
        argv.add("-cp");
        argv.add(javaRuntimeLib.toAbsolutePath() + "/*");
        return argv;
    }

    /** {@code node} and its flags up to the module to serve. */
    private List<String> node(int ramMb) {
        // As the original: the V8 heap gets 90 % of the instance's memory.
        return List.of(
                node,
                "--max-old-space-size=" + Math.max(16, ramMb * 9 / 10),
                nodeRuntime.resolve(NODE_RUNTIME_MAIN).toString());
    }

    /** Environment variables an instance of {@code version} runs with besides the platform's. */
    public Map<String, String> environment(ServiceVersion version) {
        return environment(version.getEntryCase());
    }

    /** Environment variables an instance with entry point {@code kind} runs with besides the platform's. */
    public Map<String, String> environment(ServiceVersion.EntryCase kind) {
        // glibc's malloc keeps an arena per thread by default: tens of MB a JVM's limit must hold
        return kind == ServiceVersion.EntryCase.JAVA ? Map.of("MALLOC_ARENA_MAX", "2") : Map.of();
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
