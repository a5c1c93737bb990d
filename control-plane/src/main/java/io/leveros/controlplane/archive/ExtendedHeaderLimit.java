package io.leveros.controlplane.archive;

import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A tar reader that refuses an extended header (PAX {@code x}/{@code g}, GNU long name {@code L} or long
 * link {@code K}) larger than {@link #MAX_BYTES} before reading a byte of it.
 *
 * <p>commons-compress reads such a header whole into memory while it looks for the next entry: a few
 * hundred kB of gzip can declare a header of 500 MB and cost gigabytes of heap. The header's size is known
 * from its own 512-byte record; every byte of its body comes through {@link #read(byte[], int, int)}, so
 * the check sits there.
 */
final class ExtendedHeaderLimit extends TarArchiveInputStream {
    static final int MAX_BYTES = 64 * 1024;

    ExtendedHeaderLimit(InputStream tarBytes) {
        super(tarBytes);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        TarArchiveEntry entry = getCurrentEntry();
        if (entry != null && entry.getSize() > MAX_BYTES) {
            String kind = extendedHeaderKind(entry.getLinkFlag());
            if (kind != null) {
                throw ArchiveExtractor.invalid("archive entry '" + entry.getName() + "' is " + kind + " of "
                        + entry.getSize() + " bytes (expected: extended headers of at most " + MAX_BYTES
                        + " bytes; make the archive with 'lever deploy' or a plain 'tar -czf')");
            }
        }
        return super.read(buffer, offset, length);
    }

    private static String extendedHeaderKind(byte type) {
        return switch (type) {
            case TarConstants.LF_PAX_EXTENDED_HEADER_LC, TarConstants.LF_PAX_EXTENDED_HEADER_UC -> "a PAX header";
            case TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER -> "a PAX global header";
            case TarConstants.LF_GNUTYPE_LONGNAME -> "a GNU long name";
            case TarConstants.LF_GNUTYPE_LONGLINK -> "a GNU long link name";
            default -> null;
        };
    }
}
