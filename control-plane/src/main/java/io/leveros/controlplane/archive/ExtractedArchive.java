package io.leveros.controlplane.archive;

import java.nio.file.Path;

/**
 * A checked, extracted archive.
 *
 * @param tempDir the folder it was extracted into; the caller moves {@code serviceDir} away and deletes
 *     this
 * @param serviceDir the folder holding {@code lever.json}: {@code tempDir}, or the single top-level
 *     folder of the archive
 * @param leverJson the bytes of {@code lever.json}, not yet validated
 * @param archiveBytes compressed bytes uploaded
 * @param extractedBytes bytes of all extracted files
 * @param files regular files and links extracted
 */
public record ExtractedArchive(
        Path tempDir, Path serviceDir, byte[] leverJson, long archiveBytes, long extractedBytes, int files) {}
