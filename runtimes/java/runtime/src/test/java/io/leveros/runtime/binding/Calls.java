package io.leveros.runtime.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.leveros.core.json.JsonValues;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import io.leveros.runtime.loading.LoadedService;
import io.leveros.runtime.testservice.SampleService;
import java.nio.charset.StandardCharsets;

/** Calls methods of {@link SampleService} through a real method table, without gRPC. */
final class Calls {
    static final MethodTable TABLE = MethodTable.build(
            new LoadedService(SampleService.class, new SampleService(), Calls.class.getClassLoader()),
            new JsonMapping(Calls.class.getClassLoader()));

    private Calls() {}

    static RPCReply call(String method, String jsonArgs) {
        RPC rpc = RPC.newBuilder()
                .setArgs(JsonValues.parseArgs(jsonArgs.getBytes(StandardCharsets.UTF_8)))
                .build();
        return TABLE.find(method, "sample").call(rpc);
    }

    static RPCReply callWithBytes(String method, byte[] bytes) {
        RPC rpc = RPC.newBuilder().setByteArgs(ByteString.copyFrom(bytes)).build();
        return TABLE.find(method, "sample").call(rpc);
    }

    /** The JSON text of the result, asserting the call answered a JSON result. */
    static String result(String method, String jsonArgs) {
        RPCReply reply = call(method, jsonArgs);
        assertThat(reply.getResultOneofCase()).isEqualTo(RPCReply.ResultOneofCase.RESULT);
        return JsonValues.toJsonString(reply.getResult());
    }

    /** The JSON text of the error, asserting the call answered a JSON error. */
    static String error(String method, String jsonArgs) {
        RPCReply reply = call(method, jsonArgs);
        assertThat(reply.getResultOneofCase()).isEqualTo(RPCReply.ResultOneofCase.ERROR);
        return JsonValues.toJsonString(reply.getError());
    }

    /** The rejection of a call whose arguments cannot be bound. */
    static CallRejectedException rejected(String method, String jsonArgs) {
        CallRejectedException e = catchThrowableOfType(CallRejectedException.class, () -> call(method, jsonArgs));
        assertThat(e)
                .as("call to %s with %s should be rejected", method, jsonArgs)
                .isNotNull();
        return e;
    }
}
