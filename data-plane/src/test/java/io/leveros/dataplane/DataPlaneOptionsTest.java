package io.leveros.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.dataplane.isolation.IdRange;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The instance isolation options: defaults, a flag that takes no value, and bad values. */
class DataPlaneOptionsTest {
    @Test
    void isolationDefaults() {
        DataPlaneOptions options = DataPlaneOptions.parse();
        assertThat(options.instanceDir())
                .isEqualTo(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
        assertThat(options.instanceUids()).isEqualTo(new IdRange(2_000_000, 2_999_999));
        assertThat(options.requireInstanceIsolation()).isFalse();
    }

    @Test
    void requireInstanceIsolationIsAFlag() {
        DataPlaneOptions options = DataPlaneOptions.parse(
                "--require-instance-isolation", "--instance-uids", "3000000-3000999", "--instance-dir", "/var/tmp");
        assertThat(options.requireInstanceIsolation()).isTrue();
        assertThat(options.instanceUids()).isEqualTo(new IdRange(3_000_000, 3_000_999));
        assertThat(options.instanceDir()).isEqualTo(Path.of("/var/tmp"));
        assertThat(DataPlaneOptions.parse("--require-instance-isolation=false").requireInstanceIsolation())
                .isFalse();
    }

    @Test
    void theUsageNamesTheIsolationOptions() {
        assertThat(DataPlaneOptions.USAGE)
                .contains("--instance-dir DIR", "--instance-uids A-B", "--require-instance-isolation");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> DataPlaneOptions.parse("--instance-uids", "0-10"))
                .hasMessageStartingWith("--instance-uids: instance ids 0-10 (expected: FIRST-LAST with 10000 <=");
        assertThatThrownBy(() -> DataPlaneOptions.parse("--require-instance-isolation=yes"))
                .hasMessage("--require-instance-isolation: 'yes' (expected: true or false)");
    }
}
