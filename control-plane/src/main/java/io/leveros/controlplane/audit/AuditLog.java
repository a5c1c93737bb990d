package io.leveros.controlplane.audit;

import io.leveros.controlplane.audit.AuditEntry.Outcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who changed what, when, from where, and how it ended: one JSON line per {@link AuditEntry}, appended
 * to {@code <data-dir>/audit.log} (mode 0600, never rewritten) and forced to disk before {@link #record}
 * returns; the newest {@code memoryEntries} are also kept in memory for {@code GET /api/v1/audit}.
 *
 * <p>Any code that changes state calls {@link #record}; the REST API does so for every call that changes
 * state and for every failed authentication.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final JsonMapper JSON = new JsonMapper();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final int memoryEntries;
    private final Clock clock;
    private final FileChannel channel;
    private final ArrayDeque<AuditEntry> newest;

    private AuditLog(Path file, int memoryEntries, Clock clock, FileChannel channel, ArrayDeque<AuditEntry> newest) {
        this.file = file;
        this.memoryEntries = memoryEntries;
        this.clock = clock;
        this.channel = channel;
        this.newest = newest;
    }

    /** Opens (or makes) {@code file} and reads its newest {@code memoryEntries} back into memory. */
    public static AuditLog open(Path file, int memoryEntries, Clock clock) {
        if (memoryEntries < 1) {
            throw new IllegalArgumentException("lever.audit.memory-entries: " + memoryEntries + " (expected: >= 1)");
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY); // it names tokens and addresses
            }
            ArrayDeque<AuditEntry> newest = readNewest(file, memoryEntries);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new AuditLog(file, memoryEntries, clock, channel, newest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + file + ": " + e, e);
        }
    }

    /**
     * Appends an entry stamped with the current time and returns it.
     *
     * @param actor the token name, {@code null} if there was none
     * @param detail what came of it, or why it was refused or failed; may be {@code null}
     * @throws UncheckedIOException when the entry cannot be written: an audited change must not go unrecorded
     */
    public AuditEntry record(
            String actor, String action, String target, String address, Outcome outcome, String detail) {
        AuditEntry entry = new AuditEntry(clock.instant(), actor, action, target, address, outcome, detail);
        byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the audit log " + file + ": " + e, e);
            }
            remember(newest, entry, memoryEntries);
        }
        return entry;
    }

    /** The newest {@code limit} entries (at most the ones kept in memory), newest first. */
    public synchronized List<AuditEntry> newest(int limit) {
        List<AuditEntry> entries = new ArrayList<>(Math.min(limit, newest.size()));
        Iterator<AuditEntry> newestFirst = newest.descendingIterator();
        while (newestFirst.hasNext() && entries.size() < limit) {
            entries.add(newestFirst.next());
        }
        return entries;
    }

    /** How many entries memory keeps: the most {@link #newest} can return. */
    public int memoryEntries() {
        return memoryEntries;
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    private static ArrayDeque<AuditEntry> readNewest(Path file, int memoryEntries) throws IOException {
        ArrayDeque<AuditEntry> newest = new ArrayDeque<>();
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                try {
                    remember(newest, JSON.readValue(line, AuditEntry.class), memoryEntries);
                } catch (JacksonException e) {
                    // A line cut by a crash: the file keeps it, memory skips it.
                    log.warn("Skipping an unreadable line of the audit log {}: {}", file, e.getOriginalMessage());
                }
            }
        }
        return newest;
    }

    private static void remember(ArrayDeque<AuditEntry> newest, AuditEntry entry, int memoryEntries) {
        newest.addLast(entry);
        if (newest.size() > memoryEntries) {
            newest.removeFirst();
        }
    }
}
