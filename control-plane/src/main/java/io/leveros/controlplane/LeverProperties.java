package io.leveros.controlplane;

import io.leveros.controlplane.store.StoreLocation;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The control plane's own settings, {@code lever.*}.
 *
 * @param dataDir where the token, the metadata store and the deployed code live ({@code ~/.lever})
 * @param deploy limits applied to every uploaded service archive
 * @param store where the metadata lives: {@code file} (default) or {@code redis://host:port[/db]}
 */
@ConfigurationProperties("lever")
public record LeverProperties(
        Path dataDir,
        @DefaultValue Deploy deploy,
        @DefaultValue("file") String store) {

    public LeverProperties {
        if (dataDir == null) {
            dataDir = Path.of(System.getProperty("user.home"), ".lever");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        StoreLocation.parse(store); // a bad value stops the start here, naming the setting
    }

    /** The parsed {@code lever.store}. */
    public StoreLocation storeLocation() {
        return StoreLocation.parse(store);
    }

    /**
     * Archive limits.
     *
     * @param maxArchiveBytes the largest compressed upload accepted (413 above it)
     * @param maxExtractedBytes the most bytes the archive may expand to
     * @param maxFiles the most entries (files, folders, links) the archive may hold
     * @param maxConcurrent the most uploads extracted at once
     * @param maxWait how long a deploy past {@code maxConcurrent} waits before 503 {@code DEPLOY_BUSY}
     * @param keepVersions how many versions of a service are kept (the newest, and always the live one);
     *     older ones are forgotten and their code deleted
     */
    public record Deploy(
            @DefaultValue("30MB") DataSize maxArchiveBytes,
            @DefaultValue("512MB") DataSize maxExtractedBytes,
            @DefaultValue("20000") int maxFiles,
            @DefaultValue("2") int maxConcurrent,
            @DefaultValue("30s") Duration maxWait,
            @DefaultValue("10") int keepVersions,
            @DefaultValue("3m") Duration startTimeout) {

        public Deploy {
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "lever.deploy.start-timeout must be positive (e.g. 3m), not " + startTimeout);
            }
            if (keepVersions < 1) {
                throw new IllegalArgumentException(
                        "lever.deploy.keep-versions must be at least 1 (the live version), not " + keepVersions);
            }
        }
    }

    /** {@code <data-dir>/token}. */
    public Path tokenFile() {
        return dataDir.resolve("token");
    }

    /** {@code <data-dir>/store}. */
    public Path storeDir() {
        return dataDir.resolve("store");
    }

    /** {@code <data-dir>/code}. */
    public Path codeDir() {
        return dataDir.resolve("code");
    }
}
