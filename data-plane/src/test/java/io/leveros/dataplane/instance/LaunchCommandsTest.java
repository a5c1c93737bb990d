package io.leveros.dataplane.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.proto.control.JavaEntry;
import io.leveros.proto.control.JsEntry;
import io.leveros.proto.control.ServiceVersion;
import org.junit.jupiter.api.Test;

class LaunchCommandsTest {
    @Test
    void aJavaHeapLeavesRoomForTheRestOfTheJvm() {
        assertThat(LaunchCommands.javaHeapMb(256)).isEqualTo(128); // the default ram: 128 MB beside the heap
        assertThat(LaunchCommands.javaHeapMb(1024)).isEqualTo(716); // large: 70 %
        assertThat(LaunchCommands.javaHeapMb(512)).isEqualTo(358);
        assertThat(LaunchCommands.javaHeapMb(128)).isEqualTo(16); // the least heap a JVM gets
    }

    @Test
    void javaInstancesRunWithTwoMallocArenas() {
        LaunchCommands commands = new LaunchCommands(LaunchCommands.currentJava(), null, null, "node", null);
        ServiceVersion java = ServiceVersion.newBuilder()
                .setJava(JavaEntry.newBuilder().setClassName("com.example.Hello"))
                .build();
        ServiceVersion node = ServiceVersion.newBuilder()
                .setJs(JsEntry.newBuilder().setModule("server.js"))
                .build();
        assertThat(commands.environment(java)).containsEntry("MALLOC_ARENA_MAX", "2");
        assertThat(commands.environment(node)).isEmpty();
    }
}
