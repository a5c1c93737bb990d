package io.leveros.testservice;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.leveros.client.LeverClient;
import io.leveros.client.LeverException;
import io.leveros.proto.control.InstanceReport;
import io.leveros.proto.control.RoutingGrpc;
import io.leveros.proto.control.ServingVersion;
import io.leveros.proto.control.WatchRoutesRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A deployed service that tries to take over the platform when called: the security tests call
 * each method and assert that the attempt is refused. Every method answers what happened, starting
 * with {@code "OK"} when the attempt worked and with {@code "REFUSED"} (and why) when it did not,
 * so a test failure shows what got through.
 */
public class Attacker {
    private static final String GATEWAY = System.getenv("LEVEROS_INTERNAL_RPC_GATEWAY");
    private static final String OWN_TOKEN = System.getenv("LEVEROS_INSTANCE_TOKEN");

    /** Who the instance runs as: {@code Uid}, {@code Gid}, {@code Groups}, {@code NoNewPrivs}, {@code CapEff}. */
    public Map<String, String> whoAmI() throws IOException {
        Map<String, String> status = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            int colon = line.indexOf(':');
            String key = line.substring(0, colon);
            if (key.equals("Uid")
                    || key.equals("Gid")
                    || key.equals("Groups")
                    || key.equals("NoNewPrivs")
                    || key.equals("CapEff")) {
                status.put(key, line.substring(colon + 1).trim());
            }
        }
        status.put("cwd", Path.of("").toAbsolutePath().toString());
        status.put("tmp", System.getProperty("java.io.tmpdir"));
        return status;
    }

    public String read(String path) {
        try {
            return "OK: read " + Files.readAllBytes(Path.of(path)).length + " bytes of " + path;
        } catch (IOException | RuntimeException e) {
            return "REFUSED: " + e;
        }
    }

    public String list(String path) {
        try (var entries = Files.list(Path.of(path))) {
            return "OK: " + entries.map(p -> p.getFileName().toString()).toList();
        } catch (IOException | RuntimeException e) {
            return "REFUSED: " + e;
        }
    }

    /** Appends a line to {@code path}, creating it if needed. */
    public String write(String path) {
        try {
            Files.writeString(
                    Path.of(path), "attacker was here\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return "OK: wrote " + path;
        } catch (IOException | RuntimeException e) {
            return "REFUSED: " + e;
        }
    }

    /** Writes {@code megabytes} MB to stdout without a newline: the platform must drain it, bounded. */
    public String floodOutput(int megabytes) throws InterruptedException {
        byte[] chunk = new byte[1024 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        long started = System.nanoTime();
        for (int i = 0; i < megabytes; i++) {
            System.out.write(chunk, 0, chunk.length);
        }
        System.out.flush();
        long millis = (System.nanoTime() - started) / 1_000_000;
        Thread.sleep(100); // then one line the log has room for again
        System.out.println();
        System.out.println("flood done");
        return "OK: wrote " + megabytes + " MB in " + millis + " ms";
    }

    /**
     * A fork bomb with a fuse: a shell, in the background, starts up to {@code processes} children
     * that sleep {@code seconds}, then prints {@code all N started}; where a fork is refused it prints
     * why ({@code Cannot fork}) and stops. Its output is this instance's.
     */
    public String forkBomb(int processes, int seconds) throws IOException {
        new ProcessBuilder(
                        "sh",
                        "-c",
                        "i=0; while [ $i -lt " + processes + " ]; do sleep " + seconds
                                + " >/dev/null 2>&1 & i=$((i+1)); done; echo all " + processes + " started")
                .inheritIO()
                .start();
        return "OK: started";
    }

    /** Another process's environment, where instance tokens and config live. */
    public String environOf(long pid) {
        return read("/proc/" + pid + "/environ");
    }

    /**
     * Calls {@code leverUrl} through the internal gateway with a token: {@code "own"} (this
     * instance's), {@code "none"}, or any other text (a forged one).
     */
    public String callGateway(String leverUrl, String token) {
        String sent =
                switch (token) {
                    case "own" -> OWN_TOKEN;
                    case "none" -> null;
                    default -> token;
                };
        return call(GATEWAY, leverUrl, sent);
    }

    /** Calls {@code leverUrl} at {@code hostPort} (e.g. the forwarding port) as a plain gRPC client. */
    public String callDirectly(String hostPort, String leverUrl) {
        return call(hostPort, leverUrl, null);
    }

    /** POSTs to the internal gateway's HTTP API with this instance's token, e.g. with {@code ?forceenv=}. */
    public String postToGateway(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://" + GATEWAY + pathAndQuery))
                                .header("Content-Type", "application/json")
                                .header("lever-instance-token", OWN_TOKEN)
                                .POST(HttpRequest.BodyPublishers.ofString("[]"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return (response.statusCode() == 200 ? "OK: " : "REFUSED: ") + response.statusCode() + " " + response.body();
    }

    /** GETs a URL without credentials (e.g. the control plane's REST API). */
    public String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return (response.statusCode() == 200 ? "OK: " : "REFUSED: ") + response.statusCode() + " " + response.body();
    }

    /** Opens the control plane's routes stream, with {@code credential} unless it is empty. */
    public String watchRoutes(String controlPlane, String credential) {
        ManagedChannel channel = channel(controlPlane);
        try {
            var snapshots = withCredential(RoutingGrpc.newBlockingStub(channel), credential)
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .watchRoutes(WatchRoutesRequest.newBuilder()
                            .setNodeId("attacker")
                            .build());
            return "OK: a snapshot of " + snapshots.next().getEnvironmentsCount() + " environments";
        } catch (StatusRuntimeException e) {
            return "REFUSED: " + e.getStatus();
        } finally {
            channel.shutdownNow();
        }
    }

    /** Claims to be a node that serves every call to {@code service} at {@code forwardTo}. */
    public String reportFakeNode(String controlPlane, String service, String forwardTo) {
        ManagedChannel channel = channel(controlPlane);
        try {
            withCredential(RoutingGrpc.newBlockingStub(channel), "")
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .reportInstances(InstanceReport.newBuilder()
                            .setNodeId("attacker")
                            .setForwardingAddress(forwardTo)
                            .addServing(ServingVersion.newBuilder()
                                    .setEnvironment("dev.lever")
                                    .setService(service)
                                    .setVersion(1)
                                    .setReadyInstances(1))
                            .build());
            return "OK: reported";
        } catch (StatusRuntimeException e) {
            return "REFUSED: " + e.getStatus();
        } finally {
            channel.shutdownNow();
        }
    }

    private static String call(String hostPort, String leverUrl, String token) {
        try (LeverClient client = LeverClient.builder()
                .host(hostPort)
                .instanceToken(token)
                .timeout(Duration.ofSeconds(10))
                .build()) {
            return "OK: " + client.invokeUrl(Object.class, leverUrl);
        } catch (LeverException e) {
            return "REFUSED: " + e.code() + " " + e.getMessage();
        }
    }

    private static ManagedChannel channel(String hostPort) {
        return ManagedChannelBuilder.forTarget(hostPort).usePlaintext().build();
    }

    private static <S extends io.grpc.stub.AbstractStub<S>> S withCredential(S stub, String credential) {
        if (credential.isEmpty()) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + credential);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
