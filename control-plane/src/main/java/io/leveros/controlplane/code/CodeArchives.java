package io.leveros.controlplane.code;

import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.StoreSnapshot;
import io.leveros.controlplane.store.VersionRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the deployed code is: {@code <code>/<env>/<service>/<version>/}, the extracted folder, and
 * {@code <code>/<env>/<service>/<version>.tar.gz}, its canonical archive ({@link CodePacker}), the one
 * thing nodes fetch. In Redis mode every archive is also in the shared store ({@link RedisCodeStore}),
 * stored before its version is committed; an archive this control plane lacks on disk (the deploy went
 * through another one, or its disk was replaced) is fetched from there on first use ({@link #local}).
 */
public final class CodeArchives {
    private static final Logger log = LoggerFactory.getLogger(CodeArchives.class);
    static final String SUFFIX = ".tar.gz";
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path root;
    private final RedisCodeStore shared; // null in file mode
    private final ConcurrentMap<Path, CompletableFuture<Path>> copies = new ConcurrentHashMap<>();

    /** File mode: the archives are only on this disk. */
    public CodeArchives(Path root) {
        this(root, null);
    }

    /**
     * @param root the control plane's code folder ({@code <data-dir>/code})
     * @param shared the store every archive is also kept in, or null (file mode)
     */
    public CodeArchives(Path root, RedisCodeStore shared) {
        this.root = root.toAbsolutePath().normalize();
        this.shared = shared;
    }

    /** The control plane's code folder. */
    public Path root() {
        return root;
    }

    /**
     * Keeps the packed archive {@code file} in the shared store (Redis mode; nothing in file mode). Called
     * before the version is committed, so no committed version lacks its code there.
     *
     * @throws io.leveros.controlplane.ControlPlaneException {@code STORE_UNAVAILABLE} when Redis cannot be
     *     reached
     */
    public void share(PackedCode code, Path file) {
        if (shared != null) {
            shared.put(code, file);
        }
    }

    /**
     * The archive file of a version on this disk. When it is missing in Redis mode, it is copied from the
     * shared store first: into a temporary file beside it, its size and SHA-256 checked against the
     * record, forced to disk, renamed into place. Concurrent calls for one archive share one copy. The
     * future fails with {@link SharedCodeException} (absent or damaged in the store; nothing kept) or a
     * {@code STORE_UNAVAILABLE} {@link io.leveros.controlplane.ControlPlaneException}. In file mode, and
     * when the file is there, it completes at once with the path, which may not exist (file mode).
     */
    public CompletableFuture<Path> local(VersionRecord version) {
        Path file = archive(version.environment(), version.service(), version.version());
        if (shared == null || Files.exists(file)) {
            return CompletableFuture.completedFuture(file);
        }
        CompletableFuture<Path> copy = new CompletableFuture<>();
        CompletableFuture<Path> running = copies.putIfAbsent(file, copy);
        if (running != null) {
            return running;
        }
        Thread.ofVirtual().name("lever-code-copy").start(() -> {
            try {
                copyFromShared(version, file);
                copy.complete(file);
            } catch (Throwable e) {
                copy.completeExceptionally(e);
            } finally {
                copies.remove(file, copy);
            }
        });
        return copy;
    }

    private void copyFromShared(VersionRecord version, Path file) throws IOException {
        Path temp = file.resolveSibling(TEMP_PREFIX + file.getFileName() + "-" + UUID.randomUUID());
        long started = System.nanoTime();
        try {
            Files.createDirectories(file.getParent());
            shared.copyTo(new PackedCode(version.codeSha256(), version.codeBytes()), temp);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ArchiveExtractor.forceDirectory(file.getParent());
            log.info(
                    "Copied the code of {}/{} version {} from the shared store to {} in {} ms ({} bytes, sha256 {})",
                    version.environment(),
                    version.service(),
                    version.version(),
                    file,
                    (System.nanoTime() - started) / 1_000_000,
                    version.codeBytes(),
                    version.codeSha256());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Deletes the code on this disk of the versions the store forgot ({@code lever.deploy.keep-versions}):
     * in each service's folder, the folders and archives of versions older than the oldest one {@code
     * snapshot} keeps. A service the snapshot keeps no version of is left alone (its first deploy may be
     * under way). Newer numbers are never touched, so a deploy whose code is in place but not yet
     * committed keeps it. Runs on the store's change listener; failures are logged.
     */
    public void forgetDropped(StoreSnapshot snapshot) {
        for (ServiceRecord service : snapshot.allServices()) {
            long oldestKept = snapshot.versions(service.environment(), service.name()).stream()
                    .mapToLong(VersionRecord::version)
                    .min()
                    .orElse(0);
            Path dir = root.resolve(service.environment()).resolve(service.name());
            if (oldestKept == 0 || !Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    String number = name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
                    if (number.matches("\\d{1,18}") && Long.parseLong(number) < oldestKept) {
                        ArchiveExtractor.deleteQuietly(entry);
                        log.info("Deleted {}: its version is no longer kept", entry);
                    }
                }
            } catch (IOException e) {
                log.warn("Could not list {} to delete the code of forgotten versions: {}", dir, e.toString());
            }
        }
    }

    /** The extracted code of a version. */
    public Path folder(String environment, String service, long version) {
        return root.resolve(environment).resolve(service).resolve(Long.toString(version));
    }

    /** The archive of a version. */
    public Path archive(String environment, String service, long version) {
        return root.resolve(environment).resolve(service).resolve(version + SUFFIX);
    }

    /**
     * Packs {@code folder} into the archive of the version: written to a temporary file beside it, forced
     * to disk, then renamed into place, so the archive is either whole or absent.
     */
    public PackedCode pack(Path folder, String environment, String service, long version) {
        Path archive = archive(environment, service, version);
        Path temp = archive.resolveSibling(TEMP_PREFIX + archive.getFileName() + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(archive.getParent());
            PackedCode packed = CodePacker.pack(folder, temp);
            Files.move(temp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ArchiveExtractor.forceDirectory(archive.getParent());
            return packed;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot pack the code of " + environment + "/" + service + " version " + version + " from " + folder
                            + " into " + archive + ": " + e,
                    e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // removed with the next start's leftovers
            }
        }
    }

    /**
     * Gives every version recorded before code distribution existed its archive, so nothing deployed
     * then stops working: packs its folder and records the archive's hash and size. Run once at start,
     * before any node asks. Also removes temporary archives a crash left.
     */
    public void packUnpacked(MetadataStore store) {
        removeLeftovers();
        for (VersionRecord version : store.snapshot().allVersions()) {
            if (version.codeSha256() != null) {
                continue;
            }
            Path folder = folder(version.environment(), version.service(), version.version());
            if (!Files.isDirectory(folder)) {
                log.warn(
                        "{}/{} version {} has no code folder {} to pack: nodes cannot start it",
                        version.environment(),
                        version.service(),
                        version.version(),
                        folder);
                continue;
            }
            PackedCode packed = pack(folder, version.environment(), version.service(), version.version());
            share(packed, archive(version.environment(), version.service(), version.version()));
            store.commitVersion(version.withCode(packed.sha256(), packed.bytes()));
            log.info(
                    "Packed the code of {}/{} version {}, deployed before code distribution ({} bytes, sha256 {})",
                    version.environment(),
                    version.service(),
                    version.version(),
                    packed.bytes(),
                    packed.sha256());
        }
    }

    /**
     * Redis mode: stores every archive this disk has and the shared store lacks (versions deployed before
     * archives were shared). Run once at start; a failure is logged, and the next start tries again.
     */
    public void shareUnshared(MetadataStore store) {
        if (shared == null) {
            return;
        }
        for (VersionRecord version : store.snapshot().allVersions()) {
            Path file = archive(version.environment(), version.service(), version.version());
            if (version.codeSha256() == null || !Files.exists(file)) {
                continue;
            }
            PackedCode code = new PackedCode(version.codeSha256(), version.codeBytes());
            try {
                if (!shared.contains(code)) {
                    shared.put(code, file);
                    log.info(
                            "Stored the code of {}/{} version {} in the shared store ({} bytes, sha256 {})",
                            version.environment(),
                            version.service(),
                            version.version(),
                            version.codeBytes(),
                            version.codeSha256());
                }
            } catch (RuntimeException e) {
                log.warn(
                        "Could not store the code of {}/{} version {} in the shared store; the next start tries "
                                + "again: {}",
                        version.environment(),
                        version.service(),
                        version.version(),
                        e.getMessage());
            }
        }
    }

    private void removeLeftovers() {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> environments = Files.newDirectoryStream(
                root,
                path -> Files.isDirectory(path)
                        && !path.getFileName().toString().startsWith("."))) {
            for (Path environment : environments) {
                try (DirectoryStream<Path> services = Files.newDirectoryStream(environment, Files::isDirectory)) {
                    for (Path service : services) {
                        try (DirectoryStream<Path> temps = Files.newDirectoryStream(service, TEMP_PREFIX + "*")) {
                            for (Path temp : temps) {
                                log.info("Removing {}, left over by an interrupted packing", temp);
                                Files.deleteIfExists(temp);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            log.warn("Could not look for interrupted packings in {}: {}", root, e.toString());
        }
    }
}
