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

    @Test
    void describesItself() {
        assertThat(Calls.TABLE.describe()).startsWith("io.leveros.runtime.testservice.SampleService (");
        assertThat(Calls.TABLE.find("add", "sample").signature()).isEqualTo("(int a, int b)");
    }
}
