package io.leveros.dataplane.identity;

import io.leveros.proto.control.JoinClusterReply;
import io.leveros.proto.control.JoinClusterRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * A new node's first call: trades the cluster join token ({@code --join-token-file}) for its node
 * credential ({@code Routing/JoinCluster}) and writes it to {@code <data-dir>/node.credential}
 * (0600), which every later start uses without joining again. A control plane that cannot be
 * reached yet is tried again every second until the deadline; a refusal (bad token, bad or taken
 * node id) ends the start at once with the control plane's reason.
 */
public final class ClusterJoin {
    private static final ServiceMethod<JoinClusterReply, JoinClusterRequest> JOIN_CLUSTER = ServiceMethod.client(
            ServiceName.create("lever.control.v1", "Routing"),
            "JoinCluster",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(JoinClusterReply.getDefaultInstance()));
    private static final long RETRY_MS = 1_000;
    /** Refusals: trying again with the same token and id cannot succeed. */
    private static final Set<GrpcStatus> FINAL = Set.of(
            GrpcStatus.UNAUTHENTICATED,
            GrpcStatus.INVALID_ARGUMENT,
            GrpcStatus.ALREADY_EXISTS,
            GrpcStatus.RESOURCE_EXHAUSTED,
            GrpcStatus.UNIMPLEMENTED);

    /** The control plane refused the join; the message is its reason. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private ClusterJoin() {}

    /** Reads the join token in {@code file}, or says clearly why it cannot. */
    public static String readToken(Path file) {
        try {
            String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!token.startsWith("lvj_")) {
                throw new IllegalArgumentException("--join-token-file " + file + " does not hold a join token "
                        + "(expected: one line lvj_..., made with `lever nodes join-token`)");
            }
            return token;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--join-token-file " + file + " does not exist (expected: a file"
                    + " holding the join token `lever nodes join-token` printed)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --join-token-file " + file + ": " + e, e);
        }
    }

    /**
     * Joins as {@code nodeId}, then writes the credential to {@code credentialFile}.
     *
     * @param deadlineMs how long to keep trying while the control plane cannot be reached
     * @return fails with {@link Refused} when the control plane refused, else with the last error
     */
    public static Future<Void> join(
            Vertx vertx,
            GrpcClient client,
            List<SocketAddress> controlPlanes,
            String nodeId,
            String joinToken,
            Path credentialFile,
            long deadlineMs) {
        JoinClusterRequest request = JoinClusterRequest.newBuilder()
                .setNodeId(nodeId)
                .setJoinToken(joinToken)
                .build();
        Promise<Void> done = Promise.promise();
        attempt(
                vertx,
                client,
                controlPlanes,
                0,
                request,
                credentialFile,
                System.nanoTime() + deadlineMs * 1_000_000,
                done);
        return done.future();
    }

    private static void attempt(
            Vertx vertx,
            GrpcClient client,
            List<SocketAddress> controlPlanes,
            int attempt,
            JoinClusterRequest request,
            Path credentialFile,
            long deadlineNanos,
            Promise<Void> done) {
        SocketAddress controlPlane = controlPlanes.get(attempt % controlPlanes.size()); // each in turn
        client.request(controlPlane, JOIN_CLUSTER)
                .compose(call -> call.send(request))
                .compose(response -> response.last().recover(failure -> {
                    GrpcStatus status = response.status();
                    String reason = "the control plane at " + controlPlane + " refused to let node '"
                            + request.getNodeId() + "' join: " + status.name() + " " + response.statusMessage();
                    return Future.failedFuture(
                            FINAL.contains(status) ? new Refused(reason) : new IllegalStateException(reason));
                }))
                .onComplete(reply -> {
                    if (reply.succeeded()) {
                        try {
                            writeOwnerOnly(credentialFile, reply.result().getNodeCredential());
                            done.complete();
                        } catch (IOException e) {
                            done.fail(new UncheckedIOException(
                                    "cannot write the node credential to " + credentialFile + ": " + e, e));
                        }
                    } else if (reply.cause() instanceof Refused || System.nanoTime() > deadlineNanos) {
                        done.fail(reply.cause());
                    } else {
                        vertx.setTimer(
                                RETRY_MS,
                                id -> attempt(
                                        vertx,
                                        client,
                                        controlPlanes,
                                        attempt + 1,
                                        request,
                                        credentialFile,
                                        deadlineNanos,
                                        done));
                    }
                });
    }

    /** Written to a 0600 temporary file first, then moved into place: never readable by others, never half. */
    private static void writeOwnerOnly(Path file, String credential) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = Files.createTempFile(
                file.getParent(),
                ".node.credential",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, credential + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
