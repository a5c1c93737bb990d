package io.leveros.dataplane.code;

import io.leveros.dataplane.identity.NodeCredential;
import io.leveros.dataplane.routing.ControlPlanes;
import io.leveros.proto.control.CodeChunk;
import io.leveros.proto.control.FetchCodeRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Downloads a version's code archive with {@code Routing/FetchCode}, with this node's credential, into a
 * file, hashing it on the way: each chunk is hashed and handed to the file's writer; while the writer is
 * behind, the stream is paused (gRPC flow control then holds the control plane back). The file is closed,
 * every write landed, before the download completes. Runs on a Vert.x event loop and never blocks it.
 */
public final class ControlPlaneCode {
    private static final ServiceMethod<CodeChunk, FetchCodeRequest> FETCH_CODE = ServiceMethod.client(
            ServiceName.create("lever.control.v1", "Routing"),
            "FetchCode",
            GrpcMessageEncoder.encoder(),
            GrpcMessageDecoder.decoder(CodeChunk.getDefaultInstance()));

    /** A download with no chunk for this long fails (the next start of the version tries again). */
    static final long IDLE_TIMEOUT_MS = 30_000;

    /**
     * What arrived.
     *
     * @param sha256 SHA-256 of the bytes written, lower-case hex
     * @param bytes how many
     */
    public record Downloaded(String sha256, long bytes) {}

    private final Vertx vertx;
    private final GrpcClient client;
    private final ControlPlanes controlPlanes;
    private final NodeCredential credential;

    /**
     * @param client the data plane's gRPC client for the control plane (h2c), closed by its owner
     * @param controlPlanes code comes from the one the routes come from (every control plane has it)
     */
    public ControlPlaneCode(Vertx vertx, GrpcClient client, ControlPlanes controlPlanes, NodeCredential credential) {
        this.vertx = vertx;
        this.client = client;
        this.controlPlanes = controlPlanes;
        this.credential = credential;
    }

    /** How long opening the call may take (a connection that cannot be had, a control plane that does not answer). */
    static final long OPEN_TIMEOUT_MS = 10_000;

    /**
     * Streams the archive into {@code file} (created; must not exist). Fails as soon as more than {@code
     * maxBytes} arrive, so a wrong answer cannot fill the disk. Asks the control plane the routes come
     * from first, then each other one in turn when a control plane cannot be reached, does not open the
     * call within {@link #OPEN_TIMEOUT_MS} or fails it.
     */
    public Future<Downloaded> download(FetchCodeRequest request, Path file, long maxBytes) {
        List<SocketAddress> order = new ArrayList<>(controlPlanes.all());
        order.remove(controlPlanes.routesFrom());
        order.addFirst(controlPlanes.routesFrom());
        return attempt(order, 0, request, file, maxBytes, new ArrayList<>());
    }

    private Future<Downloaded> attempt(
            List<SocketAddress> order,
            int index,
            FetchCodeRequest request,
            Path file,
            long maxBytes,
            List<String> failures) {
        SocketAddress controlPlane = order.get(index);
        return vertx.fileSystem()
                .delete(file.toString())
                .recover(absent -> Future.succeededFuture())
                .compose(deleted -> vertx.fileSystem()
                        .open(
                                file.toString(),
                                new OpenOptions().setCreateNew(true).setWrite(true)))
                .compose(out -> credential
                        .request(client, controlPlane, FETCH_CODE)
                        .compose(call -> call.send(request)
                                .compose(response -> Future.succeededFuture(new Opened(call, response))))
                        .timeout(OPEN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                        .compose(opened -> receive(opened.call(), opened.response(), out, maxBytes))
                        .onFailure(failure -> out.close()))
                .recover(failure -> {
                    credential.callFailed();
                    failures.add(controlPlane + ": " + failure.getMessage());
                    return index + 1 < order.size()
                            ? attempt(order, index + 1, request, file, maxBytes, failures)
                            : Future.failedFuture(String.join("; ", failures));
                });
    }

    private record Opened(
            GrpcClientRequest<FetchCodeRequest, CodeChunk> call,
            GrpcClientResponse<FetchCodeRequest, CodeChunk> response) {}

    private Future<Downloaded> receive(
            GrpcClientRequest<FetchCodeRequest, CodeChunk> call,
            GrpcClientResponse<FetchCodeRequest, CodeChunk> response,
            AsyncFile out,
            long maxBytes) {
        Promise<Downloaded> result = Promise.promise();
        MessageDigest sha256 = sha256();
        long[] received = {0};
        long[] lastChunk = {System.nanoTime()};
        long idleCheck = vertx.setPeriodic(IDLE_TIMEOUT_MS / 4, id -> {
            if (System.nanoTime() - lastChunk[0] > IDLE_TIMEOUT_MS * 1_000_000) {
                call.cancel();
                result.tryFail("FetchCode sent nothing for " + IDLE_TIMEOUT_MS + " ms after " + received[0] + " bytes");
            }
        });
        result.future().onComplete(done -> vertx.cancelTimer(idleCheck));
        response.handler(chunk -> {
            lastChunk[0] = System.nanoTime();
            byte[] data = chunk.getData().toByteArray();
            received[0] += data.length;
            if (received[0] > maxBytes) {
                call.cancel();
                result.tryFail("the control plane sent more than the " + maxBytes + " bytes the snapshot gives the "
                        + "archive");
                return;
            }
            sha256.update(data);
            out.write(Buffer.buffer(data));
            if (out.writeQueueFull()) {
                response.pause();
                out.drainHandler(v -> {
                    lastChunk[0] = System.nanoTime(); // waiting for the disk is not the control plane's idling
                    response.resume();
                });
            }
        });
        response.exceptionHandler(failure -> result.tryFail("FetchCode failed: " + failure));
        response.endHandler(v -> {
            if (response.status() != GrpcStatus.OK) {
                result.tryFail("FetchCode ended with " + response.status() + ": " + response.statusMessage());
                return;
            }
            // Closing waits for every queued write (a flush would not: it can run before the last
            // writes land, and the archive would be read short). The archive is read once, at once,
            // and what is extracted from it is forced to disk, so it need not be itself.
            out.end()
                    .onSuccess(closed ->
                            result.tryComplete(new Downloaded(HexFormat.of().formatHex(sha256.digest()), received[0])))
                    .onFailure(failure -> result.tryFail("cannot write the archive: " + failure));
        });
        return result.future();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
