package io.leveros.dataplane.instance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmPoolSizeTest {
    private static final long GIB = 1024L * 1024 * 1024;

    @Test
    void asManyPairsAsFitInTwoPercentOfTheNodesMemory() {
        assertThat(WarmPoolSize.perKind(16 * GIB))
                .as("16 GiB: 327 MB, two pairs of 160")
                .isEqualTo(2);
        assertThat(WarmPoolSize.perKind(24 * GIB)).as("24 GiB: 491 MB").isEqualTo(3);
        assertThat(WarmPoolSize.perKind(64 * GIB)).as("64 GiB: 1,310 MB").isEqualTo(8);
    }

    @Test
    void atLeastOneAndAtMostTenOfEach() {
        assertThat(WarmPoolSize.perKind(2 * GIB)).isEqualTo(1);
        assertThat(WarmPoolSize.perKind(0)).as("memory unknown").isEqualTo(1);
        assertThat(WarmPoolSize.perKind(512 * GIB)).isEqualTo(10);
    }
}
