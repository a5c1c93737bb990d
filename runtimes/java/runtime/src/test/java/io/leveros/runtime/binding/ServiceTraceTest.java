package io.leveros.runtime.binding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceTraceTest {
    @Test
    void keepsTheServiceFramesAndCauses() {
        IllegalStateException thrown = new IllegalStateException("outer", new IllegalArgumentException("inner"));
        thrown.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("com.example.Svc", "run", "Svc.java", 7),
            new StackTraceElement("io.leveros.runtime.binding.ServiceMethod", "call", "ServiceMethod.java", 1),
            new StackTraceElement("io.grpc.Something", "x", "Something.java", 1)
        });
        thrown.getCause()
                .setStackTrace(
                        new StackTraceElement[] {new StackTraceElement("com.example.Svc", "parse", "Svc.java", 3)});

        String trace = ServiceMethod.serviceTrace(thrown);

        assertThat(trace.lines())
                .containsExactly(
                        "java.lang.IllegalStateException: outer",
                        "\tat com.example.Svc.run(Svc.java:7)",
                        "caused by: java.lang.IllegalArgumentException: inner",
                        "\tat com.example.Svc.parse(Svc.java:3)");
    }
}
