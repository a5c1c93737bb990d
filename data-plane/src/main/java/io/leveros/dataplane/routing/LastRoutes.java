package io.leveros.dataplane.routing;

import io.leveros.proto.control.Environment;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.Service;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The routes of the last snapshot, kept in {@code <data-dir>/routes.snapshot} (0600: it holds the
 * forwarding key), so a node that restarts while no control plane answers still serves and cold-starts
 * the versions it knew (static stability, docs/cluster.md). Only the services and their live versions
 * are kept: other nodes and scaling targets are stale after a restart, and the control plane sends
 * fresh ones when it answers. Saved off the caller's thread, the newest table winning.
 */
public final class LastRoutes implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LastRoutes.class.getName());
    static final String FILE = "routes.snapshot";

    private final Path file;
    private final ExecutorService writer =
            Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    private final AtomicReference<RoutingTable> pending = new AtomicReference<>();

    /** @param dataDir this node's data folder */
    public LastRoutes(Path dataDir) {
        this.file = dataDir.resolve(FILE);
    }

    /** The saved routes as a snapshot, or {@code null} when there are none (or they cannot be read). */
    public RoutingSnapshot load() {
        try {
            return RoutingSnapshot.parseFrom(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the last routes from {0}, starting without: {1}", file, e);
            return null;
        }
    }

    /** Saves {@code table}'s routes; returns at once. */
    public void save(RoutingTable table) {
        if (pending.getAndSet(table) == null) {
            writer.execute(this::write);
        }
    }

    private void write() {
        RoutingTable table = pending.getAndSet(null);
        if (table == null) {
            return;
        }
        Path temp = file.resolveSibling(FILE + ".tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(routes(table).toByteArray()));
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot save the last routes to {0}: {1}", file, e);
        }
    }

    /** The table's services and live versions as a snapshot (no nodes, no targets). */
    static RoutingSnapshot routes(RoutingTable table) {
        Map<String, Environment.Builder> environments = new LinkedHashMap<>();
        for (ServiceRoute route : table.routes()) {
            Environment.Builder environment = environments.computeIfAbsent(
                    route.environment(), name -> Environment.newBuilder().setName(name));
            Service.Builder service = Service.newBuilder().setName(route.service());
            if (route.version() != null) {
                service.setLive(route.version());
            }
            environment.addServices(service);
        }
        RoutingSnapshot.Builder snapshot = RoutingSnapshot.newBuilder()
                .setRevision(table.revision())
                .setDefaultEnvironment(table.defaultEnvironment())
                .setForwardingKey(table.forwardingKey());
        environments.values().forEach(snapshot::addEnvironments);
        return snapshot.build();
    }

    @Override
    public void close() {
        writer.close();
    }
}
