package io.leveros.controlplane.archive;

/**
 * Caps on one service archive.
 *
 * @param maxArchiveBytes compressed bytes uploaded
 * @param maxExtractedBytes bytes of all extracted files together
 * @param maxEntries files, folders and links together
 */
public record ArchiveLimits(long maxArchiveBytes, long maxExtractedBytes, int maxEntries) {
    public ArchiveLimits {
        if (maxArchiveBytes <= 0 || maxExtractedBytes <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("archive limits: " + maxArchiveBytes + ", " + maxExtractedBytes + ", "
                    + maxEntries + " (expected: all > 0)");
        }
    }
}
