package io.leveros.dataplane.testing;

import io.leveros.proto.control.CommandEntry;
import io.leveros.proto.control.Environment;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.Service;
import io.leveros.proto.control.ServiceVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Builds routing snapshots whose services run {@link TestInstance} through a generic entry. */
public final class Snapshots {
    private Snapshots() {}

    /** The argv that runs {@link TestInstance} with this build's test classpath. */
    public static List<String> testInstanceArgv(String... args) {
        List<String> argv = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-cp",
                testClasspath(),
                TestInstance.class.getName()));
        argv.addAll(List.of(args));
        return argv;
    }

    /**
     * This build's test classpath, where instances running as other users can read it: jars only
     * their owner may reach (Maven's repository in {@code /root}) are copied once into {@code
     * target/test-instance-lib}, readable by all.
     */
    static synchronized String testClasspath() {
        Path target = Path.of("target").toAbsolutePath();
        try {
            List<String> entries = new ArrayList<>(List.of(
                    target.resolve("test-classes").toString(),
                    target.resolve("classes").toString()));
            Path readableLib = target.resolve("test-instance-lib");
            Files.createDirectories(readableLib);
            for (String entry : Files.readString(target.resolve("test-classpath.txt"))
                    .trim()
                    .split(":")) {
                Path path = Path.of(entry);
                if (Files.isRegularFile(path) && !readableByAll(path)) {
                    Path copy = readableLib.resolve(path.getFileName());
                    if (!Files.exists(copy) || Files.size(copy) != Files.size(path)) {
                        Files.copy(path, copy, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                    path = copy;
                }
                entries.add(path.toString());
            }
            return String.join(":", entries);
        } catch (IOException e) {
            throw new UncheckedIOException("run the tests through Maven: target/test-classpath.txt is made by it", e);
        }
    }

    private static boolean readableByAll(Path file) throws IOException {
        for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ);
    }

    /**
     * The code folder of test versions: a small one (the data plane copies a version's code for its
     * instances), readable by all.
     */
    public static Path codeDir() {
        Path dir = Path.of("target", "test-service").toAbsolutePath();
        try {
            Files.createDirectories(dir);
            if (!Files.exists(dir.resolve("lever.json")))
                Files.writeString(dir.resolve("lever.json"), "{\"name\":\"test\",\"entry\":[\"java\"]}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    public static ServiceVersion.Builder version(long version, List<String> argv) {
        return ServiceVersion.newBuilder()
                .setVersion(version)
                .setCodeDir(codeDir().toString())
                .setCommand(CommandEntry.newBuilder().addAllArgv(argv))
                .setConfigJson("{\"greeting\":\"hi\"}")
                .setRamMb(128);
    }

    public static Service service(String name, ServiceVersion.Builder live) {
        return Service.newBuilder().setName(name).setLive(live).build();
    }

    public static RoutingSnapshot snapshot(long revision, String env, Service... services) {
        return RoutingSnapshot.newBuilder()
                .setRevision(revision)
                .setDefaultEnvironment(env)
                .addEnvironments(Environment.newBuilder().setName(env).addAllServices(List.of(services)))
                .build();
    }
}
