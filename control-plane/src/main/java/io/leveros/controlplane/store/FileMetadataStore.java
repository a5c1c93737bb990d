package io.leveros.controlplane.store;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

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
public final class FileMetadataStore implements MetadataStore {
    static final String STATE_FILE = "state.json";
    private static final String TEMP_PREFIX = STATE_FILE + ".tmp-";
    private static final int FORMAT = 1;
    private static final Logger log = LoggerFactory.getLogger(FileMetadataStore.class);

    private final Path dir;
    private final Path stateFile;
    private final Clock clock;
    private final JsonMapper mapper =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final List<Consumer<StoreSnapshot>> listeners = new CopyOnWriteArrayList<>();
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
            file = mapper.readValue(Files.readAllBytes(stateFile), StoreFile.class);
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
    public EnvironmentRecord createEnvironment(String name) {
        return write(draft -> {
            if (draft.environments.stream().anyMatch(e -> e.name().equals(name))) {
                throw new ControlPlaneException(
                        ErrorCode.ENVIRONMENT_EXISTS, "environment '" + name + "' already exists");
            }
            EnvironmentRecord environment = new EnvironmentRecord(name, draft.now);
            draft.environments.add(environment);
            return environment;
        });
    }

    @Override
    public void deleteEnvironment(String name) {
        write(draft -> {
            if (draft.environments.stream().noneMatch(e -> e.name().equals(name))) {
                throw ControlPlaneException.environmentNotFound(name);
            }
            if (name.equals(EnvironmentNames.DEFAULT)) {
                throw new ControlPlaneException(
                        ErrorCode.DEFAULT_ENVIRONMENT,
                        "environment '" + name + "' is the default environment and cannot be deleted");
            }
            List<String> deployed = draft.services.stream()
                    .filter(s -> s.environment().equals(name) && s.deployed())
                    .map(ServiceRecord::name)
                    .toList();
            if (!deployed.isEmpty()) {
                throw new ControlPlaneException(
                        ErrorCode.ENVIRONMENT_NOT_EMPTY,
                        "environment '" + name + "' still has services " + deployed
                                + " (expected: an empty environment; there is no way to delete a service yet)");
            }
            draft.environments.removeIf(e -> e.name().equals(name));
            draft.services.removeIf(s -> s.environment().equals(name));
            draft.versions.removeIf(v -> v.environment().equals(name));
            return null;
        });
    }

    @Override
    public long reserveVersion(String environment, String service) {
        return write(draft -> {
            draft.requireEnvironment(environment);
            int index = draft.serviceIndex(environment, service);
            if (index < 0) {
                draft.services.add(new ServiceRecord(environment, service, "", false, 0, 2, draft.now, draft.now));
                return 1L;
            }
            ServiceRecord old = draft.services.get(index);
            long version = Math.max(1, old.nextVersion());
            draft.services.set(
                    index,
                    new ServiceRecord(
                            environment,
                            service,
                            old.description(),
                            old.isPrivate(),
                            old.liveVersion(),
                            version + 1,
                            old.createdAt(),
                            old.updatedAt()));
            return version;
        });
    }

    @Override
    public ServiceRecord commitVersion(VersionRecord version) {
        return write(draft -> {
            draft.requireEnvironment(version.environment());
            draft.versions.removeIf(v -> v.environment().equals(version.environment())
                    && v.service().equals(version.service())
                    && v.version() == version.version());
            draft.versions.add(version);
            int index = draft.serviceIndex(version.environment(), version.service());
            ServiceRecord old = index >= 0
                    ? draft.services.get(index)
                    : new ServiceRecord(
                            version.environment(),
                            version.service(),
                            "",
                            false,
                            0,
                            version.version() + 1,
                            draft.now,
                            draft.now);
            boolean goesLive = version.version() >= old.liveVersion();
            ServiceRecord updated = new ServiceRecord(
                    old.environment(),
                    old.name(),
                    goesLive ? version.description() : old.description(),
                    goesLive ? version.isPrivate() : old.isPrivate(),
                    goesLive ? version.version() : old.liveVersion(),
                    Math.max(old.nextVersion(), version.version() + 1),
                    old.createdAt(),
                    draft.now);
            if (index >= 0) {
                draft.services.set(index, updated);
            } else {
                draft.services.add(updated);
            }
            return updated;
        });
    }

    @Override
    public void addChangeListener(Consumer<StoreSnapshot> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        listeners.clear();
    }

    /** A mutable copy of the current state that one write changes. */
    private static final class Draft {
        final Instant now;
        final List<EnvironmentRecord> environments;
        final List<ServiceRecord> services;
        final List<VersionRecord> versions;

        Draft(StoreSnapshot from, Instant now) {
            this.now = now;
            this.environments = new ArrayList<>(from.environments());
            this.services = new ArrayList<>(from.allServices());
            this.versions = new ArrayList<>(from.allVersions());
        }

        void requireEnvironment(String name) {
            if (environments.stream().noneMatch(e -> e.name().equals(name))) {
                throw ControlPlaneException.environmentNotFound(name);
            }
        }

        int serviceIndex(String environment, String service) {
            for (int i = 0; i < services.size(); i++) {
                ServiceRecord s = services.get(i);
                if (s.environment().equals(environment) && s.name().equals(service)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private <T> T write(Function<Draft, T> change) {
        StoreSnapshot next;
        T result;
        writeLock.lock();
        try {
            Draft draft = new Draft(current, clock.instant().truncatedTo(ChronoUnit.MILLIS));
            result = change.apply(draft);
            next = new StoreSnapshot(current.revision() + 1, draft.environments, draft.services, draft.versions);
            persist(next);
            current = next;
        } finally {
            writeLock.unlock();
        }
        for (Consumer<StoreSnapshot> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                log.warn("A store change listener failed on revision {}", next.revision(), e);
            }
        }
        return result;
    }

    private void persist(StoreSnapshot snapshot) {
        StoreFile file = new StoreFile(
                FORMAT, snapshot.revision(), snapshot.environments(), snapshot.allServices(), snapshot.allVersions());
        byte[] bytes = mapper.writeValueAsBytes(file);
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
