package io.leveros.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.controlplane.ErrorCode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeploySlotsTest {

    @Test
    void refusesADeployPastTheBoundAfterWaiting() {
        DeploySlots slots = new DeploySlots(2, Duration.ofMillis(100));
        try (DeploySlots.Slot first = slots.acquire();
                DeploySlots.Slot second = slots.acquire()) {
            long start = System.nanoTime();
            assertThatThrownBy(slots::acquire)
                    .isInstanceOfSatisfying(DeployBusyException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.DEPLOY_BUSY);
                        assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(100));
                    })
                    .hasMessageContaining("already extracting 2 deploys and none finished within 100 ms")
                    .hasMessageContaining("raise lever.deploy.max-concurrent");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        }
        slots.acquire().close();
    }

    @Test
    void aWaitingDeployTakesTheSlotThatComesFree() throws Exception {
        DeploySlots slots = new DeploySlots(1, Duration.ofSeconds(10));
        DeploySlots.Slot held = slots.acquire();
        CompletableFuture<DeploySlots.Slot> waiting = CompletableFuture.supplyAsync(slots::acquire);
        assertThat(waiting).isNotDone();

        held.close();

        waiting.get(5, TimeUnit.SECONDS).close();
    }

    @Test
    void refusesBoundsThatCannotWork() {
        assertThatThrownBy(() -> new DeploySlots(0, Duration.ZERO))
                .hasMessage("lever.deploy.max-concurrent: 0 (expected: at least 1)");
        assertThatThrownBy(() -> new DeploySlots(1, Duration.ofSeconds(-1)))
                .hasMessage("lever.deploy.max-wait: PT-1S (expected: 0 or more)");
    }
}
