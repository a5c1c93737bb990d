package io.leveros.dataplane.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A version's code copy: what it holds, with which owner and modes, and how long it stays. */
class CodeCopiesTest {
    @TempDir
    Path temp;

    InstanceFolder folder;
    CodeCopies copies;
    Path code;

    @BeforeEach
    void code() throws Exception {
        assumeTrue(InstanceIsolation.effectiveUid() == 0, "giving files a version's group takes root");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        folder = InstanceFolder.create(temp, "test");
        copies = new CodeCopies(folder, new IdAllocator(IdRange.DEFAULT, Set::of));
        code = Files.createDirectories(temp.resolve("data/code/dev.lever/svc/1"));
        Files.writeString(Files.createDirectories(code.resolve("lib")).resolve("app.js"), "exports.x = 1");
        Path token = Files.writeString(temp.resolve("data/token"), "admin token");
        Files.createSymbolicLink(code.resolve("token"), token); // what a malicious archive might hold
    }

    @AfterEach
    void removeFolder() {
        if (folder != null) {
            folder.delete();
        }
    }

    @Test
    void theCopyIsReadableByTheVersionsGroupOnly() throws Exception {
        Files.setAttribute(code.resolve("lib/app.js"), "unix:uid", 12_345); // e.g. a developer's own files
        CodeCopies.Copy copy = copies.acquire("dev.lever/svc/1", code);
        assertThat(copy.dir).startsWith(folder.root());
        assertThat(Files.readString(copy.dir.resolve("lib/app.js"))).isEqualTo("exports.x = 1");
        for (Path path : new Path[] {copy.dir, copy.dir.resolve("lib")}) {
            assertThat(mode(path)).as("folder %s", path).isEqualTo("rwxr-x---");
            assertThat(Files.getAttribute(path, "unix:gid"))
                    .as("group of %s", path)
                    .isEqualTo(copy.gid);
        }
        Path file = copy.dir.resolve("lib/app.js");
        assertThat(mode(file)).as("file").isEqualTo("rw-r-----");
        assertThat(Files.getAttribute(file, "unix:gid")).isEqualTo(copy.gid);
        assertThat(Files.getAttribute(file, "unix:uid"))
                .as("owner: the data plane, not the source's owner")
                .isEqualTo(0);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(Files.getLastModifiedTime(code.resolve("lib/app.js")));
        assertThat(Files.isSymbolicLink(copy.dir.resolve("token")))
                .as("a link is copied as a link, not as the file it points at")
                .isTrue();
    }

    @Test
    void aCopyStaysWhileItsVersionIsLiveOrUsed() throws Exception {
        CodeCopies.Copy copy = copies.acquire("dev.lever/svc/1", code);
        copies.retain(Set.of("dev.lever/svc/1"));
        copies.release(copy);
        assertThat(copy.dir)
                .as("live, though no instance runs: the next cold start needs no copy")
                .exists();
        assertThat(copies.acquire("dev.lever/svc/1", code).dir)
                .as("the same copy again")
                .isEqualTo(copy.dir);
        copies.retain(Set.of("dev.lever/svc/2"));
        assertThat(copy.dir).as("no longer live, but an instance still runs").exists();
        copies.release(copy);
        assertThat(copy.dir).as("no longer live nor used").doesNotExist();
    }

    static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
