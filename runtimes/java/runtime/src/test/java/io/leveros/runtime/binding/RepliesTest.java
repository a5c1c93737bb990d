package io.leveros.runtime.binding;

import static io.leveros.runtime.binding.Calls.error;
import static io.leveros.runtime.binding.Calls.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.proto.core.RPCReply;
import org.junit.jupiter.api.Test;

class RepliesTest {
    @Test
    void voidResultIsNull() {
        RPCReply reply = Calls.call("doNothing", "[]");
        assertThat(reply.getResultOneofCase()).isEqualTo(RPCReply.ResultOneofCase.RESULT);
        assertThat(result("doNothing", "[]")).isEqualTo("null");
    }

    @Test
    void byteResult() {
        RPCReply reply = Calls.call("reverseBytes", "[\"AQI=\"]");
        assertThat(reply.getResultOneofCase()).isEqualTo(RPCReply.ResultOneofCase.BYTE_RESULT);
        assertThat(reply.getByteResult().toByteArray()).containsExactly(2, 1);
    }

    @Test
    void exceptionMessageIsTheError() {
        assertThat(error("fail", "[\"boom\"]")).isEqualTo("\"boom\"");
    }

    @Test
    void exceptionWithoutMessageSendsItsClassName() {
        assertThat(error("failWithoutMessage", "[]")).isEqualTo("\"java.lang.UnsupportedOperationException\"");
    }

    @Test
    void leverErrorValues() {
        assertThat(error("failWithValue", "[]")).isEqualTo("{\"code\":42}");
        assertThat(error("failWithRecord", "[]")).isEqualTo("{\"x\":1,\"y\":2}");
        assertThat(error("failWithNull", "[]")).isEqualTo("null");
    }

    @Test
    void leverErrorWithBytes() {
        RPCReply reply = Calls.call("failWithBytes", "[]");
        assertThat(reply.getResultOneofCase()).isEqualTo(RPCReply.ResultOneofCase.BYTE_ERROR);
        assertThat(reply.getByteError().toByteArray()).containsExactly(1, 2, 3);
    }

    @Test
    void resultThatCannotBeEncodedIsAnError() {
        assertThat(error("unencodable", "[]"))
                .startsWith("\"method 'unencodable' returned a io.leveros.runtime.testservice.SampleService$1"
                        + " that cannot be sent as JSON");
    }
}
