package io.leveros.cli.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * JVM flags that make a component start faster from its second start on, by caching the classes
 * it loaded: a dynamic CDS archive, or on JDK 25 and newer, where asked, an AOT cache (JEP
 * 483/514), which also keeps linked classes and profiles. Either is recorded by a start without
 * one and written when the process exits (the AOT cache takes several seconds to write, so it is
 * worth it only for slow starters such as the Spring control plane), and mapped by later starts. The cache file is named after the component's jars (names, sizes, times),
 * so a rebuilt component records a new one instead of tripping over a stale cache.
 */
final class StartupCache {
    private StartupCache() {}

    static List<String> flags(Path cacheDir, String component, List<Path> classpath, boolean aot) {
        String key = component + "-" + Integer.toHexString(fingerprint(classpath));
        if (aot && Runtime.version().feature() >= 25) {
            Path cache = cacheDir.resolve(key + ".aot");
            // Classes that cannot be cached get one warning each; they are expected, so only errors show.
            return List.of(
                    (Files.isRegularFile(cache) ? "-XX:AOTCache=" : "-XX:AOTCacheOutput=") + cache,
                    "-Xlog:aot*=error",
                    "-Xlog:cds*=error");
        }
        return List.of(
                "-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=" + cacheDir.resolve(key + ".jsa"),
                "-Xlog:cds*=error");
    }

    private static int fingerprint(List<Path> classpath) {
        int hash = Runtime.version().toString().hashCode();
        for (Path entry : classpath) {
            try (Stream<Path> files = Files.isDirectory(entry) ? Files.list(entry) : Stream.of(entry)) {
                for (Path file : files.sorted().toList()) {
                    hash = 31 * hash + file.getFileName().hashCode();
                    hash = 31 * hash + Long.hashCode(Files.size(file));
                    hash = 31 * hash + Files.getLastModifiedTime(file).hashCode();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return hash;
    }
}
