package io.leveros.dataplane.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.dataplane.metrics.ClientRefusals;
import io.leveros.dataplane.metrics.DataPlaneMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection's guard puts {@link IdleCloses} after Vert.x's idle handler (named {@code idle}),
 * which counts the idle timeout and passes the event on to Vert.x's connection, which closes on it.
 * (The real idle timeout is the stream idle timeout + 30 s: too long for a test of the data plane.)
 */
class IdleClosesTest {
    @Test
    void anIdleTimeoutIsCountedAndPassedOn() throws Exception {
        DataPlaneMetrics metrics = new DataPlaneMetrics(List::of, 1);
        ConnectionRules rules = new ConnectionRules(Duration.ofSeconds(10), 100);
        rules.countRefusalsIn(metrics.refusals());
        rules.name(8080, "public");
        List<Object> passedOn = new CopyOnWriteArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(new ConnectionGuard(rules, 8080));
        channel.pipeline().addLast("idle", new IdleStateHandler(0, 0, 50, TimeUnit.MILLISECONDS));
        channel.pipeline().addLast("handler", new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                passedOn.add(event);
            }
        });
        channel.register();

        // the embedded channel runs its scheduled tasks (the idle check) only when told to
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    channel.runPendingTasks();
                    return !passedOn.isEmpty();
                });

        assertThat(passedOn).hasAtLeastOneElementOfType(IdleStateEvent.class);
        assertThat(metrics.refusals().count("public", ClientRefusals.IDLE_TIMEOUT))
                .isEqualTo(passedOn.size());
        channel.finishAndReleaseAll();
    }
}
