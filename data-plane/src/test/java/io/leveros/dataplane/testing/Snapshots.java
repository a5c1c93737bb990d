package io.leveros.dataplane.testing;

import io.leveros.proto.control.CommandEntry;
import io.leveros.proto.control.Environment;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.Service;
import io.leveros.proto.control.ServiceVersion;
import java.nio.file.Path;
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
                SharedTestFiles.classpath(),
                TestInstance.class.getName()));
        argv.addAll(List.of(args));
        return argv;
    }

    public static ServiceVersion.Builder version(long version, List<String> argv) {
        return TestCode.withCode(
                ServiceVersion.newBuilder()
                        .setVersion(version)
                        .setCommand(CommandEntry.newBuilder().addAllArgv(argv))
                        .setConfigJson("{\"greeting\":\"hi\"}")
                        .setRamMb(128),
                SharedTestFiles.codeDir());
    }

    public static Service service(String name, ServiceVersion.Builder live) {
        return Service.newBuilder().setName(name).setLive(live).build();
    }

    /** The key every snapshot made here gives the data planes for each other's forwarding port. */
    public static final String FORWARDING_KEY = "test-forwarding-key";

    public static RoutingSnapshot snapshot(long revision, String env, Service... services) {
        return RoutingSnapshot.newBuilder()
                .setRevision(revision)
                .setDefaultEnvironment(env)
                .setForwardingKey(FORWARDING_KEY)
                .addEnvironments(Environment.newBuilder().setName(env).addAllServices(List.of(services)))
                .build();
    }
}
