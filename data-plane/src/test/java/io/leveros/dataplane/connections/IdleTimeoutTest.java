package io.leveros.dataplane.connections;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link IdleTimeout} on a channel whose clock the test moves. */
class IdleTimeoutTest {
    private final List<Object> events = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void connect() throws Exception {
        channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(new IdleTimeout(60, TimeUnit.SECONDS), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                events.add(event);
            }
        });
        channel.register();
        channel.freezeTime(); // from here on the clock moves only by after()
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aConnectionThatDoesNothingIsToldOnceEachIdleTime() {
        after(59);
        assertThat(events).isEmpty();

        after(1);
        assertThat(events).containsExactly(IdleStateEvent.ALL_IDLE_STATE_EVENT);

        after(60);
        assertThat(events).hasSize(2);
    }

    @Test
    void aReadOrAFlushStartsTheIdleTimeAgain() {
        after(40);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1})); // a read, and its read-complete
        after(40);
        assertThat(events).isEmpty();

        channel.writeOutbound(Unpooled.wrappedBuffer(new byte[] {2})); // a write, and its flush
        after(59);
        assertThat(events).isEmpty();

        after(1);
        assertThat(events).containsExactly(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    }

    @Test
    void aWriteNotYetFlushedIsNotActivity() {
        after(30);
        channel.write(Unpooled.wrappedBuffer(new byte[] {3}));
        after(30);

        assertThat(events).containsExactly(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    }

    @Test
    void aClosedConnectionIsToldNothing() {
        channel.close();
        after(120);

        assertThat(events).isEmpty();
    }

    private void after(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runPendingTasks();
        channel.runScheduledPendingTasks();
    }
}
