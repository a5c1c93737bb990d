package io.leveros.controlplane.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds tar.gz archives in memory, including hostile ones (names are kept exactly as given). */
public final class TarGz {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    private TarGz() {
        try {
            tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes));
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TarGz create() {
        return new TarGz();
    }

    /** A minimal valid service: lever.json for {@code name} and one class file. */
    public static byte[] service(String name) {
        return create().file("lever.json", "{\"name\": \"" + name + "\", \"javaEntry\": \"com.example.Hello\"}")
                .file("classes/com/example/Hello.class", "not really a class")
                .build();
    }

    public TarGz file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    public TarGz file(String name, byte[] content, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(content.length);
        entry.setMode(mode);
        return add(entry, content);
    }

    public TarGz dir(String name) {
        TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
        return add(entry, null);
    }

    public TarGz symlink(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        entry.setLinkName(target);
        return add(entry, null);
    }

    public TarGz hardlink(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
        entry.setLinkName(target);
        return add(entry, null);
    }

    /** An entry of a special type: {@link TarConstants#LF_CHR}, {@code LF_BLK}, {@code LF_FIFO}. */
    public TarGz special(String name, byte type) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
        return add(entry, null);
    }

    private TarGz add(TarArchiveEntry entry, byte[] content) {
        try {
            tar.putArchiveEntry(entry);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] build() {
        try {
            tar.close();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
