package io.leveros.runtime.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.runtime.StartFailure;
import io.leveros.runtime.loading.LoadedService;
import io.leveros.runtime.testservice.OverloadedService;
import org.junit.jupiter.api.Test;

class MethodTableTest {
    @Test
    void exportsPublicInstanceMethodsIncludingInheritedOnes() {
        assertThat(Calls.TABLE.names())
                .contains("sayHello", "inherited", "fooChan", "doNothing")
                .doesNotContain("_secret", "helper", "toString", "hashCode", "equals", "getClass", "wait");
    }

    @Test
    void privateMethodIsNotFound() {
        assertThatThrownBy(() -> Calls.TABLE.find("_secret", "sample"))
                .isInstanceOfSatisfying(CallRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(CallRejectedException.Reason.METHOD_NOT_FOUND))
                .hasMessageStartingWith("method '_secret' not found in service 'sample' (exported: add, big, boxed,");
    }

    @Test
    void unknownMethodListsTheExportedOnes() {
        assertThatThrownBy(() -> Calls.TABLE.find("nope", "sample"))
                .hasMessageStartingWith("method 'nope' not found in service 'sample' (exported: ")
                .hasMessageContaining("sayHello");
    }

    @Test
    void streamingMethodsAreMarked() {
        assertThat(Calls.TABLE.find("fooChan", "sample").isStreaming()).isTrue();
        assertThat(Calls.TABLE.find("sayHello", "sample").isStreaming()).isFalse();
    }

    @Test
    void overloadsRefuseTheStart() {
        LoadedService service = new LoadedService(
                OverloadedService.class, new OverloadedService(), getClass().getClassLoader());
        assertThatThrownBy(() ->
                        MethodTable.build(service, new JsonMapping(getClass().getClassLoader())))
                .isInstanceOf(StartFailure.class)
                .hasMessageStartingWith("service class io.leveros.runtime.testservice.OverloadedService has 2 public"
                        + " methods named 'greet': greet(String), greet(String, int);");
    }

    /** A streaming method that forgot its stream parameter. */
    public static class NoStreamParameter {
        public String fooChan(String arg) {
            return arg;
        }
    }

    @Test
    void aStreamingMethodWithoutAStreamParameterRefusesTheStart() {
        LoadedService service = new LoadedService(
                NoStreamParameter.class, new NoStreamParameter(), getClass().getClassLoader());
        assertThatThrownBy(() ->
                        MethodTable.build(service, new JsonMapping(getClass().getClassLoader())))
                .isInstanceOf(StartFailure.class)
                .hasMessageStartingWith(
                        "method 'fooChan' of io.leveros.runtime.binding.MethodTableTest$NoStreamParameter"
                                + " is a streaming method (its name ends in Chan or _chan), so its first parameter must be"
                                + " io.leveros.api.LeverStream, got fooChan(String);");
    }

    @Test
    void aStreamingMethodsSignatureLeavesOutTheStream() {
        assertThat(Calls.TABLE.find("fooChan", "sample").signature()).isEqualTo("(String arg)");
    }

    @Test
    void describesItself() {
        assertThat(Calls.TABLE.describe()).startsWith("io.leveros.runtime.testservice.SampleService (");
        assertThat(Calls.TABLE.find("add", "sample").signature()).isEqualTo("(int a, int b)");
    }
}
