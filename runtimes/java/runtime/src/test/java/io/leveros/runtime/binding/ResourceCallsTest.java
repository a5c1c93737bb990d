package io.leveros.runtime.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.api.Lever;
import io.leveros.api.LeverStream;
import io.leveros.core.json.JsonValues;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import io.leveros.runtime.StartFailure;
import io.leveros.runtime.loading.LoadedService;
import io.leveros.runtime.testservice.ResourceService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code Lever.resource()} and the resource lifecycle methods, through a real method table. */
class ResourceCallsTest {
    private static final String LONG = "k/".repeat(512); // 1 KiB, slashes included

    private final MethodTable table = table(new ResourceService());

    private static MethodTable table(Object service) {
        ClassLoader loader = ResourceCallsTest.class.getClassLoader();
        return MethodTable.build(new LoadedService(service.getClass(), service, loader), new JsonMapping(loader));
    }

    /** The result (or error) of a call with no arguments, as JSON text. */
    private String call(String method, String resource) {
        RPC rpc = RPC.newBuilder()
                .setArgs(JsonValues.parseArgs("[]".getBytes(StandardCharsets.UTF_8)))
                .build();
        RPCReply reply = table.find(method, "res").call(rpc, resource);
        return JsonValues.toJsonString(
                reply.getResultOneofCase() == RPCReply.ResultOneofCase.RESULT ? reply.getResult() : reply.getError());
    }

    @Test
    void aMethodSeesTheResourceOfItsCall() {
        assertThat(call("resource", "doc-1")).isEqualTo("\"doc-1\"");
        assertThat(call("resource", "a/b/c")).isEqualTo("\"a/b/c\"");
        assertThat(call("resource", "日本/é 😀")).isEqualTo("\"日本/é \\uD83D\\uDE00\""); // JSON escapes the emoji
        assertThat(call("resource", LONG)).isEqualTo("\"" + LONG + "\"");
    }

    @Test
    void aPlainCallAndCodeOutsideAnyCallSeeNoResource() {
        assertThat(call("resource", "")).isEqualTo("\"\"");
        assertThat(Lever.resource()).isEmpty();
    }

    @Test
    void theResourceDoesNotLeakToTheNextCallOnTheSameThread() {
        assertThat(call("resource", "first")).isEqualTo("\"first\"");
        assertThat(Lever.resource()).isEmpty();
        assertThat(call("resource", "")).isEqualTo("\"\"");

        assertThat(call("failWithResource", "broken")).isEqualTo("\"failed for broken\"");
        assertThat(Lever.resource()).isEmpty();
        assertThat(call("resource", "")).isEqualTo("\"\"");
    }

    @Test
    void aStreamingMethodSeesTheResourceAndItIsClearedAfterwards() {
        List<Object> sent = new ArrayList<>();
        LeverStream stream = new LeverStream() {
            @Override
            public void send(Object value) {
                sent.add(value);
            }

            @Override
            public void error(Object value) {}

            @Override
            public Message receive() {
                throw new EndOfStream();
            }

            @Override
            public void close() {}
        };
        ServiceMethod method = table.find("resourceChan", "res");
        Object[] args = method.bindStreaming(RPC.newBuilder()
                .setArgs(JsonValues.parseArgs("[]".getBytes(StandardCharsets.UTF_8)))
                .build());
        assertThat(method.callStreaming(stream, args, "room/42")).isNull();
        assertThat(sent).containsExactly("room/42");
        assertThat(Lever.resource()).isEmpty();
    }

    @Test
    void newResourceAndCloseResourceRunTheJavaNamedMethods() {
        call("NewResource", "a/b");
        call("CloseResource", "a/b");
        assertThat(call("resourceEvents", "")).isEqualTo("[\"new:a/b\",\"close:a/b\"]");
        // the aliases are not listed as methods of their own
        assertThat(table.names()).contains("newResource", "closeResource").doesNotContain("NewResource");
    }

    /** Spells the lifecycle methods as the original (Node) services did. */
    public static class LiteralLifecycle {
        public final List<String> events = new ArrayList<>();

        public void NewResource() {
            events.add("new:" + Lever.resource());
        }

        public void CloseResource() {
            events.add("close:" + Lever.resource());
        }
    }

    @Test
    void methodsLiterallyNamedNewResourceAndCloseResourceAnswerTheirCalls() {
        LiteralLifecycle service = new LiteralLifecycle();
        MethodTable literal = table(service);
        RPC none = RPC.newBuilder()
                .setArgs(JsonValues.parseArgs("[]".getBytes(StandardCharsets.UTF_8)))
                .build();
        literal.find("NewResource", "res").call(none, "r");
        literal.find("CloseResource", "res").call(none, "r");
        assertThat(service.events).containsExactly("new:r", "close:r");
    }

    public static class NoLifecycle {
        public String hello() {
            return "hi";
        }
    }

    @Test
    void aServiceWithoutLifecycleMethodsAnswersNotFound() {
        assertThatThrownBy(() -> table(new NoLifecycle()).find("NewResource", "res"))
                .isInstanceOfSatisfying(CallRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(CallRejectedException.Reason.METHOD_NOT_FOUND))
                .hasMessage("method 'NewResource' not found in service 'res' (exported: hello)");
    }

    /** newResource with a parameter is an ordinary method, not the lifecycle one. */
    public static class NewResourceWithParameter {
        public String newResource(String name) {
            return "made " + name;
        }
    }

    @Test
    void aJavaNamedMethodWithParametersIsAnOrdinaryMethod() {
        MethodTable ordinary = table(new NewResourceWithParameter());
        assertThat(ordinary.names()).containsExactly("newResource");
        assertThatThrownBy(() -> ordinary.find("NewResource", "res"))
                .isInstanceOf(CallRejectedException.class)
                .hasMessageStartingWith("method 'NewResource' not found");
    }

    public static class LiteralWithParameter {
        public void NewResource(String resource) {}
    }

    @Test
    void aLiteralLifecycleMethodWithParametersRefusesTheStart() {
        assertThatThrownBy(() -> table(new LiteralWithParameter()))
                .isInstanceOf(StartFailure.class)
                .hasMessageStartingWith("method 'NewResource' of " + LiteralWithParameter.class.getName()
                        + " takes parameters (String resource) (expected: none)");
    }

    public static class BothSpellings {
        public void newResource() {}

        public void NewResource() {}
    }

    @Test
    void bothSpellingsRefuseTheStart() {
        assertThatThrownBy(() -> table(new BothSpellings()))
                .isInstanceOf(StartFailure.class)
                .hasMessageContaining("declares both NewResource() and newResource()");
    }
}
