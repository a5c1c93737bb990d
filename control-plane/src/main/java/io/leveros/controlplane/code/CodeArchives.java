package io.leveros.controlplane.code;

import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.VersionRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the deployed code is: {@code <code>/<env>/<service>/<version>/}, the extracted folder, and
 * {@code <code>/<env>/<service>/<version>.tar.gz}, its canonical archive ({@link CodePacker}), the one
 * thing nodes fetch.
 */
public final class CodeArchives {
    private static final Logger log = LoggerFactory.getLogger(CodeArchives.class);
    static final String SUFFIX = ".tar.gz";
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path root;

    /** @param root the control plane's code folder ({@code <data-dir>/code}) */
    public CodeArchives(Path root) {
        this.root = root.toAbsolutePath().normalize();
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
