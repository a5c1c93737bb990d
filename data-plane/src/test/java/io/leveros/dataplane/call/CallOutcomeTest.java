package io.leveros.dataplane.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.RPCReply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class CallOutcomeTest {
    private static Buffer serialized(RPCReply reply) {
        return Buffer.buffer(reply.toByteArray());
    }

    @Test
    void aResultIsNoFailureAndTheServicesErrorIs() {
        Buffer result = serialized(RPCReply.newBuilder()
                .setResult(JSON.newBuilder().setJsonString("hi"))
                .build());
        Buffer error = serialized(RPCReply.newBuilder()
                .setError(JSON.newBuilder().setJsonString("no"))
                .build());
        Buffer byteError = serialized(RPCReply.newBuilder()
                .setByteError(ByteString.copyFromUtf8("no"))
                .build());
        assertThat(CallOutcome.statusOf(result)).isEqualTo(200);
        assertThat(CallOutcome.statusOf(Buffer.buffer())).as("a null result").isEqualTo(200);
        assertThat(CallOutcome.statusOf(error)).isEqualTo(500);
        assertThat(CallOutcome.failed(Future.succeededFuture(result))).isFalse();
        assertThat(CallOutcome.failed(Future.succeededFuture(error))).isTrue();
        assertThat(CallOutcome.failed(Future.succeededFuture(byteError))).isTrue();
    }

    @Test
    void platform5xxAreFailuresAndTheCallers4xxAreNot() {
        assertThat(CallOutcome.failed(Future.failedFuture(new CallException(ErrorCode.INSTANCE_TIMEOUT, "slow"))))
                .isTrue();
        assertThat(CallOutcome.failed(Future.failedFuture(new CallException(ErrorCode.INSTANCE_FAILED, "crashed"))))
                .isTrue();
        assertThat(CallOutcome.failed(Future.failedFuture(new IllegalStateException("bug"))))
                .as("anything else is an instance failure")
                .isTrue();
        assertThat(CallOutcome.failed(Future.failedFuture(new CallException(ErrorCode.RESOURCE_MOVED, "moved"))))
                .isFalse();
        assertThat(CallOutcome.statusOf(new CallException(ErrorCode.INVALID_ARGUMENTS, "bad")))
                .isEqualTo(400);
    }
}
