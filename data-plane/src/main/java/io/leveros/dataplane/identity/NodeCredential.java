package io.leveros.dataplane.identity;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.ServiceMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * This node's credential for the control plane, sent as {@code authorization: Bearer <credential>}
 * on every call to it. Read from its file when first needed and again after the control plane
 * refused it, so a credential issued or replaced while the data plane runs is picked up without a
 * restart (and {@code lever up}'s data plane can start before its control plane has written it).
 */
public final class NodeCredential {
    private static final CharSequence AUTHORIZATION = HttpHeaders.createOptimized("authorization");

    private final Path file;
    private volatile String authorization;

    /** @param file the credential file ({@code --node-credential-file}) */
    public NodeCredential(Path file) {
        this.file = file;
    }

    /** The {@code authorization} metadata value; {@code null} while the file is missing or empty. */
    public String authorization() {
        String value = authorization;
        if (value == null) {
            value = read();
            authorization = value;
        }
        return value;
    }

    /**
     * A call to the control plane failed: read the file again next time, in case the control plane
     * refused the credential (a cheap read, at most once per retry).
     */
    public void callFailed() {
        authorization = null;
    }

    /**
     * Opens a call to the control plane with the {@code authorization} header set; fails with
     * {@link #missing()}, without opening anything, while there is no credential.
     */
    public <Q, A> Future<GrpcClientRequest<Q, A>> request(
            GrpcClient client, SocketAddress controlPlane, ServiceMethod<A, Q> method) {
        String value = authorization();
        if (value == null) {
            return Future.failedFuture(missing());
        }
        return client.request(controlPlane, method).map(request -> {
            request.headers().set(AUTHORIZATION, value);
            return request;
        });
    }

    /** Why there is no credential, for the retry message. */
    public String missing() {
        return "no node credential in " + file + " yet (lever up's control plane writes it when it starts; on a "
                + "cluster, issue one with `lever nodes credential <node-id>` and write it there)";
    }

    private String read() {
        try {
            String credential =
                    Files.readString(file, StandardCharsets.US_ASCII).trim();
            return credential.isEmpty() ? null : "Bearer " + credential;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            System.getLogger(NodeCredential.class.getName())
                    .log(System.Logger.Level.WARNING, "cannot read the node credential in {0}: {1}", file, e);
            return null;
        }
    }
}
