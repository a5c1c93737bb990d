package io.leveros.dataplane.isolation;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The user and group ids others on this machine use right now: those of running processes (other
 * data planes' instances among them) and the version gids other data planes' instance folders next
 * to ours name. An id is picked outside them, so that data planes sharing a machine collide only
 * when they pick the same id at the same moment. Looking costs a scan of {@code /proc} (about a
 * millisecond per few hundred processes).
 */
final class IdsInUse {
    private static final Path PROC = Path.of("/proc");

    private final Path instanceFolders;

    /** @param instanceFolders the folder this data plane's instance folder is in */
    IdsInUse(Path instanceFolders) {
        this.instanceFolders = instanceFolders;
    }

    Set<Integer> now() {
        Set<Integer> ids = new HashSet<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, StrayProcesses::isPid)) {
            for (Path process : processes) {
                try {
                    Map<String, Object> owner = Files.readAttributes(process, "unix:uid,gid");
                    ids.add((Integer) owner.get("uid"));
                    ids.add((Integer) owner.get("gid"));
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(instanceFolders, "lever-instances-*")) {
            for (Path folder : folders) {
                try (DirectoryStream<Path> copies = Files.newDirectoryStream(folder.resolve("code"))) {
                    for (Path copy : copies) {
                        ids.add(Integer.parseInt(copy.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // not one of ours, or gone
                }
            }
        } catch (IOException e) {
            // nothing there
        }
        return ids;
    }
}
