package io.leveros.controlplane.code;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import io.leveros.controlplane.store.MetadataStore;
import io.leveros.controlplane.store.VersionRecord;
import io.leveros.proto.control.CodeChunk;
import io.leveros.proto.control.FetchCodeRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code Routing/FetchCode}: streams a version's archive from its file in chunks of {@link
 * #CHUNK_BYTES}, only as fast as the node reads (a chunk is sent only while the call {@link
 * ServerCallStreamObserver#isReady() is ready}), so the archive is never in memory whole and a slow
 * node holds one chunk, not the file. An archive missing on this disk is first copied from the shared
 * store ({@link CodeArchives#local}): a store that cannot be reached is {@code UNAVAILABLE}, an archive
 * absent there {@code NOT_FOUND}, a damaged one {@code DATA_LOSS}.
 */
public final class CodeStreaming {
    private static final Logger log = LoggerFactory.getLogger(CodeStreaming.class);
    static final int CHUNK_BYTES = 64 * 1024;

    private final MetadataStore store;
    private final CodeArchives archives;

    public CodeStreaming(MetadataStore store, CodeArchives archives) {
        this.store = store;
        this.archives = archives;
    }

    /** Starts streaming; returns at once. Chunks are read and sent on the thread gRPC calls the ready handler on. */
    public void fetch(String nodeId, FetchCodeRequest request, ServerCallStreamObserver<CodeChunk> call) {
        String name = request.getEnvironment() + "/" + request.getService() + " version " + request.getVersion();
        VersionRecord version = store.snapshot()
                .version(request.getEnvironment(), request.getService(), request.getVersion())
                .orElse(null);
        if (version == null || version.codeSha256() == null) {
            call.onError(Status.NOT_FOUND
                    .withDescription("no code for " + name + ": "
                            + (version == null
                                    ? "no such version is deployed"
                                    : "the version's code was never packed (its folder was missing at start)"))
                    .asRuntimeException());
            return;
        }
        if (!request.getCodeSha256().isEmpty() && !request.getCodeSha256().equals(version.codeSha256())) {
            call.onError(Status.NOT_FOUND
                    .withDescription("no code with sha256 " + request.getCodeSha256() + " for " + name
                            + ": its archive has sha256 " + version.codeSha256())
                    .asRuntimeException());
            return;
        }
        log.debug("Node '{}' fetches the code of {} ({} bytes)", nodeId, name, version.codeBytes());
        Sender sender = new Sender(call, name);
        sender.start(); // handlers can only be set before this method returns
        archives.local(version).whenComplete((file, failure) -> {
            if (failure != null) {
                sender.fail(status(failure instanceof CompletionException ? failure.getCause() : failure, name));
            } else {
                open(file, name, sender);
            }
        });
    }

    private static void open(Path file, String name, Sender sender) {
        try {
            sender.send(FileChannel.open(file, StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
            sender.fail(Status.NOT_FOUND.withDescription(
                    "no code for " + name + ": its archive " + file + " is missing on this control plane"));
        } catch (IOException e) {
            sender.fail(
                    Status.INTERNAL.withDescription("cannot read the code of " + name + " from " + file + ": " + e));
        }
    }

    private static Status status(Throwable failure, String name) {
        return switch (failure) {
            case SharedCodeException e
            when e.problem() == SharedCodeException.Problem.MISSING ->
                Status.NOT_FOUND.withDescription("no code for " + name + ": " + e.getMessage());
            case SharedCodeException e ->
                Status.DATA_LOSS.withDescription("cannot serve the code of " + name + ": " + e.getMessage());
            case ControlPlaneException e
            when e.code() == ErrorCode.STORE_UNAVAILABLE ->
                Status.UNAVAILABLE.withDescription("the code of " + name + " is not on this control plane's disk "
                        + "and " + e.getMessage() + "; the node fetches it again at its next start");
            default ->
                Status.INTERNAL.withDescription(
                        "cannot copy the code of " + name + " from the shared store: " + failure);
        };
    }

    /**
     * Reads the next chunk each time the call can take one; one sender per call. Its handlers are set when
     * the call starts; it sends once it is given the archive ({@link #send}), or ends the call ({@link
     * #fail}).
     */
    private static final class Sender implements Runnable {
        private final ServerCallStreamObserver<CodeChunk> call;
        private final String name;
        private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
        private FileChannel channel; // null until the archive is on disk
        private boolean done;

        Sender(ServerCallStreamObserver<CodeChunk> call, String name) {
            this.call = call;
            this.name = name;
        }

        void start() {
            call.setOnCancelHandler(this::close);
            call.setOnReadyHandler(this);
        }

        synchronized void send(FileChannel archive) {
            channel = archive;
            if (done) { // the node went away meanwhile
                close();
                return;
            }
            run(); // the ready handler fires only on a change to ready; the call may be ready already
        }

        synchronized void fail(Status status) {
            if (!done) {
                done = true;
                call.onError(status.asRuntimeException());
            }
        }

        @Override
        public synchronized void run() {
            try {
                while (channel != null && !done && call.isReady()) {
                    buffer.clear();
                    int read = channel.read(buffer);
                    if (read < 0) {
                        close();
                        call.onCompleted();
                        return;
                    }
                    buffer.flip();
                    call.onNext(CodeChunk.newBuilder()
                            .setData(ByteString.copyFrom(buffer))
                            .build());
                }
            } catch (StatusRuntimeException cancelled) { // the node went away between isReady and onNext
                close();
            } catch (IOException e) {
                close();
                call.onError(Status.INTERNAL
                        .withDescription("cannot read the code of " + name + ": " + e)
                        .asRuntimeException());
            }
        }

        private synchronized void close() {
            done = true;
            if (channel == null) {
                return;
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // read only
            }
        }
    }
}
