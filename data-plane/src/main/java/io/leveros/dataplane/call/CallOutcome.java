package io.leveros.dataplane.call;

import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;

/**
 * How a unary call ended, as the HTTP status the HTTP API gives it (gRPC callers get the same
 * outcome as a gRPC status), and whether the node's reports count it as failed.
 */
public final class CallOutcome {
    /** The tags of {@code RPCReply.error} (field 3) and {@code byte_error} (4), both length-delimited. */
    private static final byte ERROR_TAG = (3 << 3) | 2;

    private static final byte BYTE_ERROR_TAG = (4 << 3) | 2;

    private CallOutcome() {}

    /**
     * The status of a serialized {@code core.RPCReply}: 500 when it carries the service's error,
     * else 200. Its only field is the result oneof, so its first byte (the field's tag) tells which,
     * without parsing it.
     */
    public static int statusOf(Buffer reply) {
        if (reply.length() == 0) {
            return 200;
        }
        byte tag = reply.getByte(0);
        return tag == ERROR_TAG || tag == BYTE_ERROR_TAG ? 500 : 200;
    }

    /** The status of a call that failed: its {@link CallException}'s, else an instance failure's. */
    public static int statusOf(Throwable failure) {
        return failure instanceof CallException e ? e.code().httpStatus() : ErrorCode.INSTANCE_FAILED.httpStatus();
    }

    /**
     * Whether a call counts as failed: the service answered its error, or the platform's answer is
     * a 5xx (the instance failed, crashed or did not answer in time). A 4xx is the caller's doing.
     */
    public static boolean failed(AsyncResult<Buffer> outcome) {
        int status = outcome.succeeded() ? statusOf(outcome.result()) : statusOf(outcome.cause());
        return status >= 500;
    }
}
