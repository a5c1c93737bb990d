package io.leveros.controlplane.store;

import io.leveros.core.environment.EnvironmentNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * The embedded store: the whole state in one JSON file, {@code <dir>/state.json}, with an in-memory
 * copy for reads.
 *
 * <p>Every write builds the next state, writes it to a temporary file, forces it to disk and renames
 * it over {@code state.json} atomically (then forces the folder). A crash leaves either the old or the
 * new file, never a torn one; temporary files left by a crash are deleted on open. One file makes a
 * deploy's several records change together. The cost, rewriting the file on each change, is small for
 * a single node (thousands of versions are a few MB); clusters use a networked backend.
 *
 * <p>Writes are serialised by a lock; reads never take it.
 */
public final class FileMetadataStore extends DraftedStore {
    static final String STATE_FILE = "state.json";
    private static final String TEMP_PREFIX = STATE_FILE + ".tmp-";
    private static final int FORMAT = 1;
    private static final Logger log = LoggerFactory.getLogger(FileMetadataStore.class);

    private final Path dir;
    private final Path stateFile;
    private final Clock clock;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile StoreSnapshot current;

    /** The persisted form. {@code format} lets a later version migrate old files. */
    record StoreFile(
            int format,
            long revision,
            List<EnvironmentRecord> environments,
            List<ServiceRecord> services,
            List<VersionRecord> versions) {}

    private FileMetadataStore(Path dir, Clock clock) {
        this.dir = dir;
        this.stateFile = dir.resolve(STATE_FILE);
        this.clock = clock;
    }

    /**
     * Opens (or creates) the store in {@code dir}; the default environment exists afterwards.
     *
     * @throws IllegalStateException when the state file exists but cannot be read
     */
    public static FileMetadataStore open(Path dir, Clock clock) {
        FileMetadataStore store = new FileMetadataStore(dir, clock);
        store.load();
        return store;
    }

    private void load() {
        try {
            Files.createDirectories(dir);
            deleteTempFiles();
            if (Files.exists(stateFile)) {
                current = read();
            } else {
                current = new StoreSnapshot(0, List.of(), List.of(), List.of());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the metadata store in " + dir + ": " + e, e);
        }
        if (current.environment(EnvironmentNames.DEFAULT).isEmpty()) {
            createEnvironment(EnvironmentNames.DEFAULT);
        }
    }

    private void deleteTempFiles() throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path temp : temps) {
                log.info("Removing {}, left over by an interrupted write", temp);
                Files.deleteIfExists(temp);
            }
        }
    }

    private StoreSnapshot read() throws IOException {
        StoreFile file;
        try {
            file = StoreJson.MAPPER.readValue(Files.readAllBytes(stateFile), StoreFile.class);
        } catch (JacksonException e) {
            throw new IllegalStateException("the metadata store file " + stateFile + " is not readable JSON ("
                    + e.getOriginalMessage() + "); it is only written by atomic rename, so it was changed "
                    + "by hand or the disk is damaged: restore it from a backup, or move it away to start "
                    + "with an empty store");
        }
        if (file.format() != FORMAT) {
            throw new IllegalStateException("the metadata store file " + stateFile + " has format " + file.format()
                    + " (expected: " + FORMAT + "); it was written by another Lever version");
        }
        return new StoreSnapshot(
                file.revision(), nonNull(file.environments()), nonNull(file.services()), nonNull(file.versions()));
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    @Override
    public StoreSnapshot snapshot() {
        return current;
    }

    @Override
    public void close() {
        stopAnnouncing();
    }

    @Override
    <T> T write(Function<StoreDraft, T> change) {
        StoreSnapshot next;
        T result;
        writeLock.lock();
        try {
            StoreDraft draft = new StoreDraft(current, clock.instant().truncatedTo(ChronoUnit.MILLIS));
            result = change.apply(draft);
            next = draft.toSnapshot(current.revision() + 1);
            persist(next);
            current = next;
        } finally {
            writeLock.unlock();
        }
        announce(next);
        return result;
    }

    private void persist(StoreSnapshot snapshot) {
        StoreFile file = new StoreFile(
                FORMAT, snapshot.revision(), snapshot.environments(), snapshot.allServices(), snapshot.allVersions());
        byte[] bytes = StoreJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(file);
        Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
        try {
            try (FileChannel channel =
                    FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
            forceDirectory(dir);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the next open deletes it
            }
            throw new UncheckedIOException("cannot write the metadata store file " + stateFile + ": " + e, e);
        }
    }

    /** Makes a rename in {@code dir} durable (POSIX); a no-op where folders cannot be opened. */
    static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(e);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a folder as a channel; the rename is still atomic there.
        }
    }
}
