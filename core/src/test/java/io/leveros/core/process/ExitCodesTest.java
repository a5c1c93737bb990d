package io.leveros.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
    @Test
    void aProcessEndedByASignalSaysWhichAsJavaReportsIt() throws Exception {
        Process terminated = new ProcessBuilder("sleep", "30").start();
        terminated.destroy();
        assertThat(terminated.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ExitCodes.exited(terminated.exitValue())).isEqualTo("exited with code 143 (ended by SIGTERM)");

        Process killed = new ProcessBuilder("sleep", "30").start();
        killed.destroyForcibly();
        assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ExitCodes.exited(killed.exitValue())).isEqualTo("exited with code 137 (ended by SIGKILL)");
    }

    @Test
    void anyOtherCodeIsOnlyItsNumber() {
        assertThat(ExitCodes.exited(0)).isEqualTo("exited with code 0");
        assertThat(ExitCodes.exited(3)).isEqualTo("exited with code 3");
        assertThat(ExitCodes.exited(128)).isEqualTo("exited with code 128");
        assertThat(ExitCodes.exited(255)).isEqualTo("exited with code 255");
        assertThat(ExitCodes.exited(-1)).isEqualTo("exited with code -1");
    }

    @Test
    void aSignalWithoutACommonNameIsGivenByNumber() {
        assertThat(ExitCodes.exited(128 + 10)).isEqualTo("exited with code 138 (ended by signal 10)");
    }
}
