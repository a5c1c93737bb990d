package io.leveros.dataplane.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FlushBatching} on a connection written to as Netty's HTTP/2 frame writer does: a frame's
 * header, then its payload, in two writes. An in-memory connection on a real event loop; its other end
 * reads the bytes in the order they were sent.
 */
class FlushBatchingTest {
    /** What the other end read; only its event loop writes here. */
    private final StringBuffer received = new StringBuffer();

    private EventLoopGroup loop;
    private Channel channel;

    @BeforeEach
    void connect() throws Exception {
        loop = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        LocalAddress address = new LocalAddress(FlushBatchingTest.class);
        new ServerBootstrap()
                .group(loop)
                .channel(LocalServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object message) {
                        ByteBuf bytes = (ByteBuf) message;
                        received.append(bytes.toString(StandardCharsets.US_ASCII));
                        bytes.release();
                    }
                })
                .bind(address)
                .sync();
        channel = new Bootstrap()
                .group(loop)
                .channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel connection) {
                        FlushBatching.addTo(connection.pipeline());
                    }
                })
                .connect(address)
                .sync()
                .channel();
    }

    @AfterEach
    void close() throws Exception {
        loop.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    @Test
    void aWriteThatFillsTheBufferSendsNothingBeforeItsFrameIsWhole() throws Exception {
        inOneTask(() -> {
            // A frame written and flushed: it leaves at the end of this task. Once it is out, its
            // listener writes a frame of its own (as the stream relay's WINDOW_UPDATE does).
            channel.write(bytes("first-frame")).addListener(sent -> channel.writeAndFlush(bytes("window-update")));
            channel.flush();
            // the write buffer is full from its next byte on: the next frame's header fills it
            long pending = channel.unsafe().outboundBuffer().totalPendingWriteBytes();
            channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, (int) pending + 1));

            channel.write(bytes("header"));
            assertThat(channel.isWritable())
                    .as("the header fills the write buffer")
                    .isFalse();
            channel.write(bytes("payload"));
            channel.flush();
        });

        String framesWhole = "first-frame" + "header" + "payload" + "window-update";
        assertThat(receivedOnce(framesWhole.length())).isEqualTo(framesWhole);
    }

    @Test
    void theFlushesOfOneTaskLeaveTogetherAtItsEnd() throws Exception {
        inOneTask(() -> {
            channel.writeAndFlush(bytes("a"));
            channel.writeAndFlush(bytes("b"));
            assertThat(channel.unsafe().outboundBuffer().totalPendingWriteBytes())
                    .as("written, not yet sent")
                    .isPositive();
        });

        assertThat(receivedOnce(2)).isEqualTo("ab");
    }

    private void inOneTask(Runnable task) throws Exception {
        loop.submit(task).sync();
    }

    /** What the other end read, in order, once it is {@code bytes} long. */
    private String receivedOnce(int bytes) {
        await("the other end reads " + bytes + " bytes")
                .atMost(Duration.ofSeconds(5))
                .until(() -> received.length() >= bytes);
        return received.toString();
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
