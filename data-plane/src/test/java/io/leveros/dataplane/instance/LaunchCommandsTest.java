package io.leveros.dataplane.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.proto.control.JavaEntry;
import io.leveros.proto.control.JsEntry;
import io.leveros.proto.control.ServiceVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchCommandsTest {
    private static final ServiceVersion JAVA = ServiceVersion.newBuilder()
            .setJava(JavaEntry.newBuilder().setClassName("com.example.Hello"))
            .build();
    private static final ServiceVersion NODE = ServiceVersion.newBuilder()
            .setJs(JsEntry.newBuilder().setModule("server.js"))
            .build();

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
        assertThat(commands.environment(JAVA)).containsEntry("MALLOC_ARENA_MAX", "2");
        assertThat(commands.environment(NODE)).isEmpty();
    }

    @Test
    void aWarmRuntimeStartsAsAnInstanceWouldButIsToldWhatToServeLater(@TempDir Path tmp) {
        Path lib = Path.of("/opt/lever/java-runtime");
        Path nodeRuntime = Path.of("/opt/lever/node-runtime");
        LaunchCommands commands = new LaunchCommands(Path.of("/jdk/bin/java"), lib, null, "node", nodeRuntime);

        List<String> cold = commands.argv(JAVA, tmp, 256, tmp);
        List<String> warm = commands.warmArgv(ServiceVersion.EntryCase.JAVA, 256, tmp);
        assertThat(warm.getLast()).isEqualTo("--warm");
        assertThat(warm.subList(0, warm.size() - 1))
                .as("the instance's flags, the opened java.util and the quiet archive check, no class")
                .containsAll(cold.subList(0, cold.size() - 1))
                .containsSubsequence("--add-opens", "java.base/java.util=ALL-UNNAMED")
                .doesNotContain("com.example.Hello");
        assertThat(LaunchCommands.warmOrderArgs(JAVA)).containsExactly("com.example.Hello");

        List<String> coldNode = commands.argv(NODE, tmp, 256, tmp);
        assertThat(commands.warmArgv(ServiceVersion.EntryCase.JS, 256, tmp))
                .containsExactlyElementsOf(
                        Stream.concat(coldNode.subList(0, coldNode.size() - 1).stream(), Stream.of("--warm"))
                                .toList());
        assertThat(LaunchCommands.warmOrderArgs(NODE)).containsExactly("server.js");
        assertThat(commands.warmable())
                .containsExactlyInAnyOrder(ServiceVersion.EntryCase.JAVA, ServiceVersion.EntryCase.JS);
        assertThat(new LaunchCommands(Path.of("java"), null, null, "node", nodeRuntime).warmable())
                .containsExactly(ServiceVersion.EntryCase.JS);
    }
}
