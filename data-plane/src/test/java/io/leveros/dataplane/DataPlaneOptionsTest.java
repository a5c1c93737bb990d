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

    @Test
    void instancesRunAsProcessesUnlessDockerIsChosen() {
        DataPlaneOptions defaults = DataPlaneOptions.parse();
        assertThat(defaults.runtime()).isEqualTo(DataPlaneOptions.RuntimeKind.PROCESS);
        assertThat(defaults.imageTag()).isEqualTo("latest");
        DataPlaneOptions docker = DataPlaneOptions.parse(
                "--runtime", "docker", "--image-tag", "v1.2", "--docker-host", "tcp://10.0.0.5:2375");
        assertThat(docker.runtime()).isEqualTo(DataPlaneOptions.RuntimeKind.DOCKER);
        assertThat(docker.imageTag()).isEqualTo("v1.2");
        assertThat(docker.dockerHost()).hasToString("tcp://10.0.0.5:2375");
        assertThat(DataPlaneOptions.USAGE).contains("--runtime process|docker", "--docker-host URI", "--image-tag TAG");
    }

    @Test
    void badContainerOptionsAreNamed() {
        assertThatThrownBy(() -> DataPlaneOptions.parse("--runtime", "podman"))
                .hasMessage("--runtime: 'podman' is not a runtime (expected: process or docker)");
        assertThatThrownBy(() -> DataPlaneOptions.parse("--docker-host", "/var/run/docker.sock"))
                .hasMessageStartingWith("--docker-host: '/var/run/docker.sock' is not a Docker engine address"
                        + " (expected: unix:///path/to/docker.sock or tcp://host:port)");
        assertThatThrownBy(() -> DataPlaneOptions.parse("--image-tag", "a b"))
                .hasMessageStartingWith("--image-tag: 'a b' is not an image tag");
    }
}
