package io.leveros.dataplane.instance;

import io.leveros.core.process.ExitCodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A class-data archive of the Java runtime, so that Java instances map most of their classes
 * instead of loading them: a shorter cold start. It is made once per runtime build (and JDK), in
 * the background after the data plane starts, by the runtime's training run ({@code
 * io.leveros.runtime.warmup.WarmUpMain} with {@code -XX:ArchiveClassesAtExit}); until it is ready,
 * instances start without it. The file is written under a temporary name and renamed, so an
 * instance never maps a half-written archive.
 */
public final class JavaClassArchive {
    private static final Logger LOG = System.getLogger(JavaClassArchive.class.getName());
    static final String WARM_UP_MAIN = "io.leveros.runtime.warmup.WarmUpMain";

    private final Path archive;
    private final UnaryOperator<Path> readable;
    /** Where instances map the archive from, once it is ready. */
    private volatile Path mapped;

    private JavaClassArchive(Path archive, UnaryOperator<Path> readable) {
        this.archive = archive;
        this.readable = readable;
        this.mapped = Files.isRegularFile(archive) ? readable.apply(archive) : null;
    }

    /**
     * Finds the archive for this runtime and JDK in {@code cacheDir}, making it in the background if
     * missing.
     *
     * @param readable where instances can read a file: itself, or a copy (see {@code
     *     isolation.InstanceIsolation#readable}); the training run uses the original runtime folder,
     *     instances may use a copy of it (the JVM accepts an archive made with the same jars elsewhere)
     */
    public static JavaClassArchive prepare(Path java, Path runtimeLib, Path cacheDir, UnaryOperator<Path> readable) {
        JavaClassArchive classes = new JavaClassArchive(
                cacheDir.resolve("java-runtime-" + Integer.toHexString(fingerprint(runtimeLib)) + ".jsa"), readable);
        if (!classes.isReady()) {
            Thread.ofPlatform().daemon().name("lever-java-class-archive").start(() -> classes.make(java, runtimeLib));
        }
        return classes;
    }

    /**
     * An archive made beforehand, e.g. in a runtime image ({@code ops/images/build} trains the runtime
     * image's JVM into {@code /opt/lever/java-runtime.jsa}): used as it is, never made here. Where the
     * file is missing or does not fit the JVM, the JVM starts without it ({@code -Xshare:auto}).
     */
    public static JavaClassArchive madeAt(Path archive) {
        JavaClassArchive classes = new JavaClassArchive(archive, UnaryOperator.identity());
        classes.mapped = archive;
        return classes;
    }

    /** JVM flags for an instance: the archive once it exists, nothing before. */
    public List<String> flags() {
        Path file = mapped;
        return file != null ? List.of("-XX:SharedArchiveFile=" + file, "-Xlog:cds*=error") : List.of();
    }

    public boolean isReady() {
        return mapped != null;
    }

    private void make(Path java, Path runtimeLib) {
        try {
            Files.createDirectories(archive.getParent());
            Path partial = archive.resolveSibling(
                    archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Path scratch = Files.createTempDirectory("lever-warm-up-");
            Process training = new ProcessBuilder(
                            java.toString(),
                            "-XX:+UseSerialGC",
                            "-XX:ArchiveClassesAtExit=" + partial,
                            "-Xlog:cds*=error",
                            "-cp",
                            runtimeLib.toAbsolutePath() + "/*",
                            WARM_UP_MAIN)
                    .directory(scratch.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            boolean finished = training.waitFor(2, TimeUnit.MINUTES);
            Files.deleteIfExists(scratch);
            if (!finished || training.exitValue() != 0 || !Files.isRegularFile(partial)) {
                training.destroyForcibly();
                Files.deleteIfExists(partial);
                LOG.log(
                        Level.WARNING,
                        "could not make the Java class-data archive (training run "
                                + (finished ? ExitCodes.exited(training.exitValue()) : "timed out")
                                + "); Java instances start without it");
                return;
            }
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            mapped = readable.apply(archive);
            LOG.log(Level.INFO, "Java instances now start with the class-data archive " + mapped);
        } catch (IOException | UncheckedIOException e) {
            LOG.log(
                    Level.WARNING,
                    "could not make the Java class-data archive: " + e + "; Java instances start without it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int fingerprint(Path runtimeLib) {
        int hash = Runtime.version().toString().hashCode();
        try (Stream<Path> jars = Files.list(runtimeLib)) {
            for (Path jar : jars.sorted().toList()) {
                hash = 31 * hash + jar.getFileName().hashCode();
                hash = 31 * hash + Long.hashCode(Files.size(jar));
                hash = 31 * hash + Files.getLastModifiedTime(jar).hashCode();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hash;
    }
}
