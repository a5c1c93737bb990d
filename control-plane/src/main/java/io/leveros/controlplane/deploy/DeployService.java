package io.leveros.controlplane.deploy;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.LeverProperties;
import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.archive.ExtractedArchive;
import io.leveros.controlplane.code.CodeArchives;
import io.leveros.controlplane.code.CodePacker;
import io.leveros.controlplane.code.PackedCode;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.TrafficShare;
import io.leveros.controlplane.store.VersionEntry;
import io.leveros.controlplane.store.VersionRecord;
import io.leveros.core.leverjson.InvalidLeverJsonException;
import io.leveros.core.leverjson.LeverJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns an uploaded archive into a new version, started to replace the live one.
 *
 * <ol>
 *   <li>extract and check the archive into {@code <code>/.tmp-<random>/} ({@link ArchiveExtractor});
 *   <li>validate lever.json ({@link LeverJson#parse}, the one validator);
 *   <li>pack the service folder into the canonical archive nodes fetch ({@link CodePacker}), beside it;
 *   <li>in Redis mode, store that archive in Redis ({@link CodeArchives#share}), so every control plane
 *       can serve it; an unreachable Redis fails the deploy here with {@code STORE_UNAVAILABLE};
 *   <li>take the next version number ({@link MetadataStore#reserveVersion});
 *   <li>rename the folder to {@code <code>/<env>/<service>/<version>/} and the archive to {@code
 *       <version>.tar.gz} beside it ({@link CodeArchives});
 *   <li>commit the version ({@link MetadataStore#commitVersion}), which starts it (live at once if it is
 *       the service's first) and, through the store's change listeners, pushes a new routing snapshot: the
 *       nodes start its instances, and {@link VersionStarts} makes it live once they are ready;
 *   <li>forget the service's versions beyond the newest {@code lever.deploy.keep-versions} ({@link
 *       MetadataStore#dropOldVersions}); every control plane then deletes their code ({@link
 *       CodeArchives#forgetDropped}).
 * </ol>
 *
 * <p>Until step 5 nothing outside the temporary folder changes, and it is always deleted. Deploys run in
 * parallel, at most {@code lever.deploy.max-concurrent} extracting at once ({@link DeploySlots}); the store
 * hands out distinct numbers. An archive stored in Redis by a deploy that fails later stays there (it is
 * content-addressed: the same code deployed again reuses it).
 */
public final class DeployService {
    private static final Logger log = LoggerFactory.getLogger(DeployService.class);
    private static final JsonMapper JSON = new JsonMapper();
    private static final String TEMP_PREFIX = ".tmp-";

    private final MetadataStore store;
    private final ArchiveExtractor extractor;
    private final DeploySlots slots;
    private final Path codeDir;
    private final CodeArchives archives;
    private final Clock clock;
    private final int keepVersions;
    private final SecureRandom random = new SecureRandom();

    DeployService(
            MetadataStore store,
            ArchiveExtractor extractor,
            DeploySlots slots,
            CodeArchives archives,
            Clock clock,
            int keepVersions) {
        this.store = store;
        this.keepVersions = keepVersions;
        this.extractor = extractor;
        this.slots = slots;
        this.codeDir = archives.root();
        this.archives = archives;
        this.clock = clock;
        removeLeftovers();
    }

    public DeployService(
            MetadataStore store, ArchiveExtractor extractor, CodeArchives archives, LeverProperties properties) {
        this(
                store,
                extractor,
                new DeploySlots(
                        properties.deploy().maxConcurrent(), properties.deploy().maxWait()),
                archives,
                Clock.systemUTC(),
                properties.deploy().keepVersions());
    }

    /** Deletes extraction folders left by a crash; no deploy is running yet. */
    private void removeLeftovers() {
        if (!Files.isDirectory(codeDir)) {
            return;
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(codeDir, TEMP_PREFIX + "*")) {
            for (Path leftover : leftovers) {
                log.info("Removing {}, left over by an interrupted deploy", leftover);
                ArchiveExtractor.deleteQuietly(leftover);
            }
        } catch (IOException e) {
            log.warn("Could not list {} to remove interrupted deploys: {}", codeDir, e.toString());
        }
    }

    /**
     * Deploys the archive read from {@code upload} to {@code environment}; {@code deployedBy} (a token
     * name) is recorded with the version.
     *
     * @throws ControlPlaneException {@code ENVIRONMENT_NOT_FOUND}, {@code INVALID_ARCHIVE}, {@code
     *     INVALID_LEVER_JSON}, {@code PAYLOAD_TOO_LARGE}, {@code STORE_UNAVAILABLE} (Redis mode); {@link DeployBusyException} when too many
     *     deploys are being extracted
     */
    public Deployment deploy(String environment, InputStream upload, String deployedBy) {
        if (store.snapshot().environment(environment).isEmpty()) {
            throw ControlPlaneException.environmentNotFound(environment);
        }
        Path temp = codeDir.resolve(TEMP_PREFIX + HexFormat.of().formatHex(randomBytes()));
        Path tempPacked = temp.resolveSibling(temp.getFileName() + ".tar.gz");
        try {
            ExtractedArchive archive;
            LeverJson leverJson;
            PackedCode packed;
            try (DeploySlots.Slot slot = slots.acquire()) {
                archive = extractor.extract(upload, temp);
                leverJson = parse(archive.leverJson());
                packed = pack(archive.serviceDir(), tempPacked);
            }
            archives.share(packed, tempPacked);
            long version = store.reserveVersion(environment, leverJson.name());
            Path versionDir = archives.folder(environment, leverJson.name(), version);
            Path versionArchive = archives.archive(environment, leverJson.name(), version);
            moveIntoPlace(archive.serviceDir(), versionDir);
            VersionRecord record = record(environment, version, leverJson, archive, packed, deployedBy);
            ServiceRecord service;
            try {
                moveIntoPlace(tempPacked, versionArchive);
                service = store.commitVersion(record);
            } catch (RuntimeException e) {
                ArchiveExtractor.deleteQuietly(versionDir);
                ArchiveExtractor.deleteQuietly(versionArchive);
                throw e;
            }
            log.info(
                    "Deployed {}/{} version {} ({} files, {} bytes uploaded){}",
                    environment,
                    leverJson.name(),
                    version,
                    archive.files(),
                    archive.archiveBytes(),
                    service.startingVersion() == version
                            ? "; starting it"
                            : "; version " + service.startingVersion() + " is newer and starting");
            forgetOldVersions(environment, leverJson.name());
            return new Deployment(record, service);
        } finally {
            ArchiveExtractor.deleteQuietly(temp);
            ArchiveExtractor.deleteQuietly(tempPacked);
        }
    }

    /**
     * Starts a kept version to replace the live one ({@link VersionStarts} makes it live once ready):
     * {@code version}, or when null the newest kept one before the live one. Returns the service after
     * the change.
     *
     * @throws ControlPlaneException {@code SERVICE_NOT_FOUND}, {@code VERSION_NOT_FOUND}
     */
    public ServiceRecord rollback(String environment, String service, Long version) {
        ServiceRecord current = store.snapshot()
                .service(environment, service)
                .filter(ServiceRecord::deployed)
                .orElseThrow(() -> ControlPlaneException.serviceNotFound(environment, service));
        long target = version != null
                ? version
                : store.snapshot().versions(environment, service).stream()
                        .mapToLong(VersionRecord::version)
                        .filter(kept -> kept < current.liveVersion())
                        .max()
                        .orElseThrow(() -> new ControlPlaneException(
                                ErrorCode.VERSION_NOT_FOUND,
                                "no version of " + service + " before v" + current.liveVersion()
                                        + " is kept, so there is nothing to roll back to; name one with --to"));
        ServiceRecord updated = store.startVersion(environment, service, target);
        log.info(
                "Rolling back {}/{}: starting version {} to replace version {}",
                environment,
                service,
                target,
                current.liveVersion());
        return updated;
    }

    /**
     * Splits the service's calls between kept versions, or with no share sends them all to the live
     * version again. Returns the service after the change.
     *
     * @throws ControlPlaneException {@code SERVICE_NOT_FOUND}, {@code VERSION_NOT_FOUND}, {@code
     *     INVALID_TRAFFIC_SPLIT}
     */
    public ServiceRecord splitTraffic(String environment, String service, List<TrafficShare> shares) {
        ServiceRecord updated = store.splitTraffic(environment, service, shares);
        log.info(
                "Traffic of {}/{}: {}",
                environment,
                service,
                shares.isEmpty() ? "every call to version " + updated.liveVersion() : shares);
        return updated;
    }

    /** Forgets the versions beyond the newest {@code keepVersions}; a failure here fails no deploy. */
    private void forgetOldVersions(String environment, String service) {
        try {
            for (VersionRecord dropped : store.dropOldVersions(environment, service, keepVersions)) {
                log.info(
                        "Forgot {}/{} version {}: only the newest {} versions are kept (lever.deploy.keep-versions)",
                        environment,
                        service,
                        dropped.version(),
                        keepVersions);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Could not forget the old versions of {}/{}; the next deploy tries again", environment, service, e);
        }
    }

    private static PackedCode pack(Path serviceDir, Path archive) {
        try {
            return CodePacker.pack(serviceDir, archive);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot pack the extracted code of " + serviceDir + " into " + archive + ": " + e, e);
        }
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return bytes;
    }

    private static LeverJson parse(byte[] leverJson) {
        try {
            return LeverJson.parse(leverJson);
        } catch (InvalidLeverJsonException e) {
            throw new ControlPlaneException(ErrorCode.INVALID_LEVER_JSON, e.getMessage());
        }
    }

    private static void moveIntoPlace(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            if (Files.exists(to)) {
                throw new IllegalStateException("the code " + to + " already exists although its version "
                        + "number was just taken; was the data dir changed by hand?");
            }
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            ArchiveExtractor.forceDirectory(to.getParent());
            ArchiveExtractor.forceDirectory(from.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the extracted code to " + to + ": " + e, e);
        }
    }

    private VersionRecord record(
            String environment,
            long version,
            LeverJson leverJson,
            ExtractedArchive archive,
            PackedCode packed,
            String deployedBy) {
        return new VersionRecord(
                environment,
                leverJson.name(),
                version,
                clock.instant().truncatedTo(ChronoUnit.MILLIS),
                leverJson.description(),
                VersionEntry.of(leverJson.entry()),
                leverJson.isPrivate(),
                leverJson.maxInstanceLoad(),
                leverJson.minInstances(),
                leverJson.maxInstances(),
                leverJson.ramMb(),
                leverJson.idleTimeout() == null ? null : leverJson.idleTimeout().toMillis(),
                leverJson.scaleDownDelay() == null
                        ? null
                        : leverJson.scaleDownDelay().toMillis(),
                JSON.readTree(leverJson.configJson()),
                archive.archiveBytes(),
                archive.files(),
                leverJson.resourceIdleTimeout() == null
                        ? null
                        : leverJson.resourceIdleTimeout().toMillis(),
                leverJson.maxResourcesPerInstance(),
                packed.sha256(),
                packed.bytes(),
                deployedBy,
                leverJson.upgradeStreamGrace() == null
                        ? null
                        : leverJson.upgradeStreamGrace().toMillis());
    }
}
