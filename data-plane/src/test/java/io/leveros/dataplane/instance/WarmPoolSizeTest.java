package io.leveros.dataplane.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WarmPoolSizeTest {
    private static final long GIB = 1024L * 1024 * 1024;

    @Test
    void atRestAsManyPairsAsFitInTwoPercentOfTheNodesMemoryAfterABurstInEight() {
        assertThat(WarmPoolSize.byMemory(8 * GIB))
                .as("8 GiB: 163 and 655 MB, in pairs of 85")
                .isEqualTo(new WarmPoolSize(1, 7));
        assertThat(WarmPoolSize.byMemory(16 * GIB))
                .as("16 GiB: 327 and 1,310 MB")
                .isEqualTo(new WarmPoolSize(3, 10));
        assertThat(WarmPoolSize.byMemory(24 * GIB))
                .as("24 GiB: 491 and 1,966 MB")
                .isEqualTo(new WarmPoolSize(5, 10));
        assertThat(WarmPoolSize.byMemory(32 * GIB)).as("32 GiB: 655 MB at rest").isEqualTo(new WarmPoolSize(7, 10));
        assertThat(WarmPoolSize.byMemory(64 * GIB))
                .as("64 GiB: 1,310 MB at rest, more than ten pairs")
                .isEqualTo(new WarmPoolSize(10, 10));
    }

    @Test
    void atLeastOneAndAtMostTenOfEach() {
        assertThat(WarmPoolSize.byMemory(1 * GIB)).isEqualTo(new WarmPoolSize(1, 1));
        assertThat(WarmPoolSize.byMemory(0)).as("memory unknown").isEqualTo(new WarmPoolSize(1, 1));
        assertThat(WarmPoolSize.byMemory(512 * GIB)).isEqualTo(new WarmPoolSize(10, 10));
    }

    @Test
    void aNumberGivenIsKeptBurstsOrNot() {
        assertThat(WarmPoolSize.fixed(4)).isEqualTo(new WarmPoolSize(4, 4));
        assertThat(WarmPoolSize.fixed(0)).isEqualTo(new WarmPoolSize(0, 0));
        assertThatThrownBy(() -> new WarmPoolSize(3, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whatTheRuntimesKeptCostWhileIdle() {
        assertThat(WarmPoolSize.idleBytes(Map.of("java", 5, "node", 5))).isEqualTo(5 * 85L * 1024 * 1024);
        assertThat(WarmPoolSize.idleBytes(Map.of("java", 2))).isEqualTo(2 * 68L * 1024 * 1024);
        assertThat(WarmPoolSize.idleBytes(Map.of("node", 3))).isEqualTo(3 * 17L * 1024 * 1024);
        assertThat(WarmPoolSize.idleBytes(Map.of()))
                .as("none kept: --warm-runtimes 0, or instances in containers")
                .isZero();
    }
}
