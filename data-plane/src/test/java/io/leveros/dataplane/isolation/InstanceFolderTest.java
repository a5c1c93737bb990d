package io.leveros.dataplane.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a data plane starting next to other instance folders leaves alone. That it removes one whose
 * data plane was killed is shown with real data plane processes, in {@link DataPlaneProcessTest}.
 */
class InstanceFolderTest {
    @TempDir
    Path parent;

    @BeforeEach
    void everyUserMayPassThrough() throws Exception {
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx--x--x"));
    }

    @Test
    void aFolderMadeInThisProcessIsKeptWhileItsDataPlaneRuns() throws Exception {
        InstanceFolder first = InstanceFolder.create(parent, "first");
        InstanceFolder second = InstanceFolder.create(parent, "second");
        try {
            assertThat(first.root().resolve("code")).isDirectory();
            assertThat(lockedByThisProcess(first.root().resolve("lock")))
                    .as("still locked: the second did not open it to look (closing it would let go)")
                    .isTrue();
            assertThat(second.root()).isDirectory().isNotEqualTo(first.root());
        } finally {
            second.delete();
            first.delete();
        }
        assertThat(parent).isEmptyDirectory();
    }

    /** Whether {@code /proc/locks} shows a lock of this process on {@code file}. */
    static boolean lockedByThisProcess(Path file) throws Exception {
        String inode = ":" + Files.getAttribute(file, "unix:ino") + " ";
        String pid = " " + ProcessHandle.current().pid() + " ";
        return Files.readAllLines(Path.of("/proc/locks")).stream()
                .anyMatch(line -> line.contains(pid) && line.contains(inode));
    }

    @Test
    void aFolderWithoutALockFileIsKept() throws Exception {
        Path older = Files.createDirectories(
                parent.resolve("lever-instances-local-1").resolve("code"));

        InstanceFolder.create(parent, "next").delete();

        assertThat(older).isDirectory();
    }

    @Test
    void aLinkNamedLikeAFolderIsNotFollowed() throws Exception {
        Path elsewhere = Files.createDirectory(parent.resolve("elsewhere"));
        Files.createFile(elsewhere.resolve("lock")); // free: nobody holds it
        Path precious = Files.writeString(elsewhere.resolve("precious"), "keep me");
        Files.createSymbolicLink(parent.resolve("lever-instances-trap"), elsewhere);

        InstanceFolder.create(parent, "next").delete();

        assertThat(precious).hasContent("keep me");
        assertThat(elsewhere.resolve("lock")).exists();
    }
}
