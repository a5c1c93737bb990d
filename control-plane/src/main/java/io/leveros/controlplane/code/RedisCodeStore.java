package io.leveros.controlplane.code;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Function;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Keeps code archives in the Redis store, so every control plane of a cluster can serve every version
 * and the code outlives the disk of the control plane that took the deploy. Content-addressed: an
 * archive is stored once per SHA-256, in chunks of {@link #CHUNK_BYTES} under {@code
 * lever:code:<sha256>:<i>}, then a manifest {@code lever:code:<sha256>} = {@code "<bytes> <chunks>"}
 * written last, so an archive whose manifest exists is whole. Neither writing nor reading ever holds more
 * than one chunk in memory.
 */
public final class RedisCodeStore {
    static final String PREFIX = "lever:code:";
    static final int CHUNK_BYTES = 1024 * 1024;

    private final RedisConnectionFactory connections;
    private final String address;

    /**
     * @param connections the store's connection factory (stays the caller's)
     * @param address how messages name the server, e.g. {@code redis://10.0.0.5:6379}
     */
    public RedisCodeStore(RedisConnectionFactory connections, String address) {
        this.connections = connections;
        this.address = address;
    }

    static String manifestKey(String sha256) {
        return PREFIX + sha256;
    }

    static String chunkKey(String sha256, long index) {
        return PREFIX + sha256 + ":" + index;
    }

    /**
     * Whether the archive is stored whole (its manifest exists).
     *
     * @throws ControlPlaneException {@code STORE_UNAVAILABLE} when Redis cannot be reached
     */
    public boolean contains(PackedCode code) {
        return redis(connection -> connection.keyCommands().exists(bytes(manifestKey(code.sha256()))));
    }

    /**
     * Stores the archive in {@code file} (the chunks, then the manifest) unless it is stored already.
     * Returns once Redis has taken every write.
     *
     * @throws ControlPlaneException {@code STORE_UNAVAILABLE} when Redis cannot be reached
     */
    public void put(PackedCode code, Path file) {
        if (contains(code)) {
            return;
        }
        long chunks = 0;
        long total = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
            while (true) {
                buffer.clear();
                while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                    // fill the chunk
                }
                if (buffer.position() == 0) {
                    break;
                }
                byte[] chunk = Arrays.copyOf(buffer.array(), buffer.position());
                byte[] key = bytes(chunkKey(code.sha256(), chunks));
                redis(connection -> connection.stringCommands().set(key, chunk));
                chunks++;
                total += chunk.length;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the archive " + file + " to store it in " + address, e);
        }
        if (total != code.bytes()) {
            throw new IllegalStateException("the archive " + file + " has " + total + " bytes, not the " + code.bytes()
                    + " it was packed with: was it changed by hand?");
        }
        byte[] manifest = bytes(total + " " + chunks);
        redis(connection -> connection.stringCommands().set(bytes(manifestKey(code.sha256())), manifest));
    }

    /**
     * Writes the stored archive to {@code target} (created, must not exist) and forces it to disk, after
     * checking that its size and SHA-256 are those of {@code code}. On any failure {@code target} may hold
     * part of it; the caller deletes it.
     *
     * @throws SharedCodeException when the archive is not stored, or what is stored is not it
     * @throws ControlPlaneException {@code STORE_UNAVAILABLE} when Redis cannot be reached
     */
    public void copyTo(PackedCode code, Path target) throws IOException {
        String manifestKey = manifestKey(code.sha256());
        byte[] manifest = redis(connection -> connection.stringCommands().get(bytes(manifestKey)));
        if (manifest == null) {
            throw new SharedCodeException(
                    SharedCodeException.Problem.MISSING,
                    "the archive with sha256 " + code.sha256() + " is not in the store at " + address + " (no key "
                            + manifestKey + "): it was deployed through a control plane without the shared code "
                            + "store, and that control plane uploads it when it starts");
        }
        long chunks = chunkCount(code, manifestKey, new String(manifest, StandardCharsets.US_ASCII));
        MessageDigest sha256 = CodePacker.sha256();
        long written = 0;
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long i = 0; i < chunks; i++) {
                String key = chunkKey(code.sha256(), i);
                byte[] chunk = redis(connection -> connection.stringCommands().get(bytes(key)));
                if (chunk == null) {
                    throw damaged(code, "chunk " + key + " of " + chunks + " is missing");
                }
                written += chunk.length;
                if (written > code.bytes()) {
                    throw damaged(code, "its chunks hold more than the " + code.bytes() + " bytes recorded");
                }
                sha256.update(chunk);
                ByteBuffer buffer = ByteBuffer.wrap(chunk);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            if (written != code.bytes()) {
                throw damaged(code, "its chunks hold " + written + " bytes, expected " + code.bytes());
            }
            String actual = HexFormat.of().formatHex(sha256.digest());
            if (!actual.equals(code.sha256())) {
                throw damaged(code, "its bytes have sha256 " + actual);
            }
            channel.force(true);
        }
    }

    private long chunkCount(PackedCode code, String manifestKey, String manifest) {
        String[] fields = manifest.split(" ");
        try {
            if (fields.length == 2 && Long.parseLong(fields[0]) == code.bytes()) {
                return Long.parseLong(fields[1]);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw damaged(
                code,
                manifestKey + " is '" + manifest + "' (expected: '" + code.bytes() + " <chunks>', the recorded size)");
    }

    private SharedCodeException damaged(PackedCode code, String what) {
        return new SharedCodeException(
                SharedCodeException.Problem.DAMAGED,
                "the archive with sha256 " + code.sha256() + " in the store at " + address + " is damaged: " + what
                        + "; nothing was kept. Delete " + manifestKey(code.sha256())
                        + " (redis-cli DEL) and deploy the code again, or restart a control plane that has the archive on "
                        + "disk: either stores it anew");
    }

    private <T> T redis(Function<RedisConnection, T> command) {
        try (RedisConnection connection = connections.getConnection()) {
            return command.apply(connection);
        } catch (DataAccessException e) {
            throw new ControlPlaneException(
                    ErrorCode.STORE_UNAVAILABLE,
                    "the code store at " + address + " cannot be reached ("
                            + e.getMostSpecificCause().getMessage()
                            + "): check that redis-server runs there and that this host can connect to it "
                            + "(setting lever.store)",
                    e);
        }
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
