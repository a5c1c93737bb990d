package io.leveros.dataplane.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
    @Test
    void aProcessEndedByASignalSaysWhichAsJavaReportsIt() throws Exception {
        Process terminated = new ProcessBuilder("sleep", "30").start();
        terminated.destroy();
        assertThat(terminated.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ExitCodes.describe(terminated.exitValue())).isEqualTo("exited with code 143 (ended by SIGTERM)");

        Process killed = new ProcessBuilder("sleep", "30").start();
        killed.destroyForcibly();
        assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ExitCodes.describe(killed.exitValue())).isEqualTo("exited with code 137 (ended by SIGKILL)");
    }

    @Test
    void anyOtherCodeIsOnlyItsNumber() {
        assertThat(ExitCodes.describe(0)).isEqualTo("exited with code 0");
        assertThat(ExitCodes.describe(3)).isEqualTo("exited with code 3");
        assertThat(ExitCodes.describe(128)).isEqualTo("exited with code 128");
        assertThat(ExitCodes.describe(255)).isEqualTo("exited with code 255");
        assertThat(ExitCodes.describe(-1)).isEqualTo("exited with code -1");
    }

    @Test
    void aSignalWithoutACommonNameIsGivenByNumber() {
        assertThat(ExitCodes.describe(128 + 10)).isEqualTo("exited with code 138 (ended by signal 10)");
    }
}
