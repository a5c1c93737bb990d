package io.leveros.dataplane.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real Netty server answers a connection's bytes with a lingering close, and a real socket keeps
 * sending, as a slow client's headers do: it reads the whole answer (once: what it sends after is
 * discarded), then end of stream, and its bytes are not met with a reset until it closes or the
 * linger ends.
 */
class LingeringCloseTest {
    private static final String ANSWER = "HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n\r\n";

    private EventLoopGroup loop;
    private Channel server;
    private final CompletableFuture<Channel> connection = new CompletableFuture<>();

    @BeforeEach
    void startServer() throws InterruptedException {
        loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    /** Answers every read: only the first may reach it, the rest are the close's to discard. */
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                        connection.complete(ctx.channel());
                        LingeringClose.answerAndClose(ctx, Unpooled.copiedBuffer(ANSWER, StandardCharsets.US_ASCII));
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    @AfterEach
    void stopServer() {
        server.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aClientStillSendingReadsTheAnswerAndItsCloseEndsTheConnection() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /x HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).as("the answer, then end of stream").isEqualTo(ANSWER);
            for (int i = 0; i < 10; i++) {
                out.write("x-slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(30);
            }
            assertThat(connection.get().isOpen())
                    .as("lingering while the client sends")
                    .isTrue();

            long closing = System.nanoTime();
            socket.shutdownOutput();
            connection.get().closeFuture().await(LingeringClose.LINGER_MS / 2);
            assertThat(connection.get().isOpen())
                    .as("closed when the client closed its side, not after the linger")
                    .isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofMillis(900));
        }
    }

    @Test
    void aClientThatNeverClosesIsCutOffAfterTheLinger() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /x HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().readAllBytes()).hasSize(ANSWER.length());
            long answered = System.nanoTime();

            assertThatThrownBy(() -> {
                        while (true) {
                            out.write('x');
                            Thread.sleep(20);
                        }
                    })
                    .as("the client's bytes meet a closed connection")
                    .isInstanceOf(IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - answered))
                    .isBetween(Duration.ofMillis(LingeringClose.LINGER_MS - 200), Duration.ofSeconds(10));
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect((InetSocketAddress) server.localAddress(), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }
}
