package io.leveros.dataplane.code;

import io.leveros.proto.control.FetchCodeRequest;
import io.leveros.proto.control.ServiceVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The code of the versions this node runs: {@code <data-dir>/code/<sha256>/}, one folder per archive
 * (so two versions with the same code share one).
 *
 * <ul>
 *   <li>{@link #acquire} on each instance start: a folder already here is used as it is (also after a
 *       restart, with no control plane); else the archive is fetched ({@link ControlPlaneCode}) into a
 *       temporary file, its size and SHA-256 checked against the snapshot's before anything is extracted,
 *       extracted ({@link SafeExtraction}) into a temporary folder and renamed into place. Starts of one
 *       version while it is being fetched share that one fetch. A failed fetch keeps nothing; the next
 *       start tries again.
 *   <li>{@link #release} when the instance is gone.
 *   <li>{@link #retain} with every routing snapshot: the folder of code no snapshot names goes once no
 *       instance uses it.
 * </ul>
 *
 * <p>Thread-safe. Nothing here blocks its caller: disk work runs on virtual threads, the fetch on a
 * Vert.x event loop.
 */
public final class CodeCache implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CodeCache.class.getName());
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final String TEMP_PREFIX = ".fetch-";
    private static final String EVICTED_PREFIX = ".evicted-";

    /** Why a version's code could not be had; the message is whole, for the start's failure. */
    static final class CodeUnavailable extends IllegalStateException {
        CodeUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One archive's folder: who uses it, and its fetch while it is not here yet. */
    private static final class Entry {
        int users;
        CompletableFuture<Path> ready;
    }

    private final Path root;
    private final ControlPlaneCode source;
    private final ExecutorService disk = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Entry> entries = new HashMap<>();
    private Set<String> named;

    private CodeCache(Path root, ControlPlaneCode source) {
        this.root = root;
        this.source = source;
    }

    /**
     * Opens the cache in {@code <dataDir>/code}, making {@code dataDir} (0700) if needed, and deletes what
     * interrupted fetches left. Complete folders are kept: a node that restarts while no control plane
     * answers still starts the versions it has.
     */
    public static CodeCache open(Path dataDir, ControlPlaneCode source) {
        try {
            if (!Files.isDirectory(dataDir)) {
                Files.createDirectories(dataDir);
            }
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            Path root = Files.createDirectories(dataDir.resolve("code"));
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(root, ".*")) {
                for (Path leftover : leftovers) {
                    LOG.log(Level.INFO, "removing {0}, left by an interrupted code fetch or eviction", leftover);
                    delete(leftover);
                }
            }
            return new CodeCache(root, source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the code cache in " + dataDir.resolve("code") + ": " + e, e);
        }
    }

    /** The folder an archive is extracted into. */
    public Path folder(String sha256) {
        return root.resolve(sha256);
    }

    /**
     * The folder of {@code version}'s code, fetched first if this node does not have it. Release it once
     * the instance it was acquired for is gone (also when the returned future fails: then at once).
     *
     * @param environment the version's environment and service, for the fetch and for messages
     */
    public CompletableFuture<Path> acquire(String environment, String service, ServiceVersion version) {
        String sha256 = version.getCodeSha256();
        String name = environment + "/" + service + " version " + version.getVersion();
        if (!SHA256.matcher(sha256).matches()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the snapshot gives " + name
                    + " no code archive (code_sha256 '" + sha256 + "', expected: 64 hex digits); deploy it again"));
        }
        CompletableFuture<Path> ready;
        synchronized (this) {
            Entry entry = entries.computeIfAbsent(sha256, key -> new Entry());
            entry.users++;
            if (entry.ready == null || entry.ready.isCompletedExceptionally()) {
                entry.ready = CompletableFuture.supplyAsync(() -> find(sha256), disk)
                        .thenCompose(found -> found != null
                                ? CompletableFuture.completedFuture(found)
                                : fetch(environment, service, version, name));
            }
            ready = entry.ready;
        }
        return ready;
    }

    /** An instance that {@link #acquire acquired} {@code version}'s code is gone (or never started). */
    public void release(ServiceVersion version) {
        String sha256 = version.getCodeSha256();
        synchronized (this) {
            Entry entry = entries.get(sha256);
            if (entry == null || --entry.users > 0 || (named != null && named.contains(sha256))) {
                return;
            }
            entries.remove(sha256);
        }
        disk.execute(() -> evict(Set.of(sha256)));
    }

    /**
     * The code archives the current snapshot names: the folders of all others go, now or when their last
     * instance is gone. Returns at once.
     */
    public void retain(Set<String> sha256s) {
        synchronized (this) {
            named = Set.copyOf(sha256s);
        }
        disk.execute(this::evictUnnamed);
    }

    private void evictUnnamed() {
        Set<String> unused = new HashSet<>();
        try (Stream<Path> folders = Files.list(root)) {
            folders.map(path -> path.getFileName().toString())
                    .filter(name -> SHA256.matcher(name).matches())
                    .forEach(unused::add);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list the code cache {0}: {1}", root, e);
            return;
        }
        evict(unused);
    }

    /**
     * Deletes the folders of {@code candidates} that no snapshot names and no instance uses: renamed away
     * under the lock (so no start can pick one up half deleted), deleted outside it.
     */
    private void evict(Set<String> candidates) {
        List<Path> doomed = new ArrayList<>();
        synchronized (this) {
            for (String sha256 : candidates) {
                Entry entry = entries.get(sha256);
                if ((named != null && named.contains(sha256)) || (entry != null && entry.users > 0)) {
                    continue;
                }
                entries.remove(sha256);
                Path folder = folder(sha256);
                Path away = root.resolve(EVICTED_PREFIX + sha256 + "-" + UUID.randomUUID());
                try {
                    Files.move(folder, away, StandardCopyOption.ATOMIC_MOVE);
                    doomed.add(away);
                } catch (java.nio.file.NoSuchFileException e) {
                    // a fetch that failed, or already evicted
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot evict the code folder {0}: {1}", folder, e);
                }
            }
        }
        for (Path away : doomed) {
            LOG.log(Level.INFO, "evicting code {0}: no snapshot names it and no instance uses it", away);
            delete(away);
        }
    }

    /** The folder when it is here already (fetched before, maybe before a restart), else {@code null}. */
    private Path find(String sha256) {
        Path folder = folder(sha256);
        return Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) ? folder : null;
    }

    private CompletableFuture<Path> fetch(String environment, String service, ServiceVersion version, String name) {
        String sha256 = version.getCodeSha256();
        String temp = TEMP_PREFIX + sha256 + "-" + UUID.randomUUID();
        Path archive = root.resolve(temp + ".tar.gz");
        Path extracted = root.resolve(temp);
        FetchCodeRequest request = FetchCodeRequest.newBuilder()
                .setEnvironment(environment)
                .setService(service)
                .setVersion(version.getVersion())
                .setCodeSha256(sha256)
                .build();
        long started = System.nanoTime();
        return source.download(request, archive, version.getCodeBytes())
                .toCompletionStage()
                .toCompletableFuture()
                .thenApplyAsync(
                        downloaded -> {
                            try {
                                if (downloaded.bytes() != version.getCodeBytes()
                                        || !downloaded.sha256().equals(sha256)) {
                                    throw new CodeUnavailable(
                                            "the code of " + name + " arrived damaged: "
                                                    + downloaded.bytes() + " bytes with sha256 " + downloaded.sha256()
                                                    + " (expected: " + version.getCodeBytes() + " bytes with sha256 "
                                                    + sha256
                                                    + "); nothing of it was kept, the next start fetches it again",
                                            null);
                                }
                                SafeExtraction.extract(archive, extracted);
                                Path folder = folder(sha256);
                                Files.move(extracted, folder, StandardCopyOption.ATOMIC_MOVE);
                                SafeExtraction.force(root);
                                LOG.log(
                                        Level.INFO,
                                        "fetched the code of {0}: {1} bytes in {2} ms into {3}",
                                        name,
                                        downloaded.bytes(),
                                        (System.nanoTime() - started) / 1_000_000,
                                        folder);
                                return folder;
                            } catch (IOException e) {
                                throw new CodeUnavailable(
                                        "cannot extract the code of " + name + ": " + e.getMessage()
                                                + "; nothing of it was kept",
                                        e);
                            } finally {
                                delete(archive);
                                delete(extracted);
                            }
                        },
                        disk)
                .exceptionallyCompose(failure -> CompletableFuture.supplyAsync(
                        () -> {
                            delete(archive);
                            delete(extracted);
                            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                            if (cause instanceof CodeUnavailable unavailable) {
                                throw unavailable;
                            }
                            throw new CodeUnavailable(
                                    "cannot fetch the code of " + name + " from the control plane: "
                                            + cause.getMessage(),
                                    cause);
                        },
                        disk));
    }

    private static void delete(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.log(Level.WARNING, "cannot delete {0}: {1}", path, e);
        }
    }

    @Override
    public void close() {
        disk.close();
    }
}
