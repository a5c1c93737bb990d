package io.leveros.controlplane.code;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code Routing/FetchCode}: streams a version's archive from its file in chunks of {@link
 * #CHUNK_BYTES}, only as fast as the node reads (a chunk is sent only while the call {@link
 * ServerCallStreamObserver#isReady() is ready}), so the archive is never in memory whole and a slow
 * node holds one chunk, not the file.
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
        Path file = archives.archive(version.environment(), version.service(), version.version());
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            call.onError(Status.NOT_FOUND
                    .withDescription(
                            "no code for " + name + ": its archive " + file + " is missing on this control plane")
                    .asRuntimeException());
            return;
        } catch (IOException e) {
            call.onError(Status.INTERNAL
                    .withDescription("cannot read the code of " + name + " from " + file + ": " + e)
                    .asRuntimeException());
            return;
        }
        log.debug("Node '{}' fetches the code of {} ({} bytes)", nodeId, name, version.codeBytes());
        new Sender(channel, call, name).start();
    }

    /** Reads the next chunk each time the call can take one; one sender per call. */
    private static final class Sender implements Runnable {
        private final FileChannel channel;
        private final ServerCallStreamObserver<CodeChunk> call;
        private final String name;
        private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
        private boolean done;

        Sender(FileChannel channel, ServerCallStreamObserver<CodeChunk> call, String name) {
            this.channel = channel;
            this.call = call;
            this.name = name;
        }

        void start() {
            call.setOnCancelHandler(this::close);
            call.setOnReadyHandler(this);
            run(); // the ready handler fires only on a change to ready; the call may be ready already
        }

        @Override
        public synchronized void run() {
            try {
                while (!done && call.isReady()) {
                    buffer.clear();
                    int read = channel.read(buffer);
                    if (read < 0) {
                        done = true;
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
            try {
                channel.close();
            } catch (IOException ignored) {
                // read only
            }
        }
    }
}
