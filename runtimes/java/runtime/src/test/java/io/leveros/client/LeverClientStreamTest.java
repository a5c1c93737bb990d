package io.leveros.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.leveros.runtime.RuntimeConfig;
import io.leveros.runtime.binding.JsonMapping;
import io.leveros.runtime.binding.MethodTable;
import io.leveros.runtime.loading.LoadedService;
import io.leveros.runtime.server.RuntimeServer;
import io.leveros.runtime.testservice.StreamingService;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streaming calls from the Java client to the Java runtime, started in this JVM on a free port. */
class LeverClientStreamTest {
    /** How far a sender may run ahead of a reader that stopped: windows and queues, all bounded. */
    private static final int RUN_AHEAD_BOUND = 300;

    private static RuntimeServer server;
    private static LeverClient client;
    private static Endpoint service;

    @BeforeAll
    static void start() throws Exception {
        ClassLoader loader = StreamingService.class.getClassLoader();
        MethodTable table = MethodTable.build(
                new LoadedService(StreamingService.class, new StreamingService(), loader), new JsonMapping(loader));
        RuntimeConfig config = new RuntimeConfig(
                StreamingService.class.getName(), Path.of("."), "127.0.0.1", 0, Duration.ofSeconds(1));
        server = RuntimeServer.start(config, table, loader);
        client = LeverClient.builder()
                .host("127.0.0.1:" + server.port())
                .environment("test.lever")
                .timeout(Duration.ofSeconds(10))
                .build();
        service = client.service("test.lever", "streaming");
    }

    @AfterAll
    static void stop() {
        client.close();
        server.drain();
    }

    @Test
    void reqReplyStreamChanAsInTheOriginal() {
        ClientStream stream = service.invokeChan("ReqReplyStreamChan", "some test");
        for (String m : List.of("a", "b", "hello world")) {
            stream.send(m);
            assertThat(stream.receive(String.class)).isEqualTo("some test:" + m + " received");
        }
        stream.close();
        assertThatThrownBy(stream::receive).isInstanceOf(ClientStream.EndOfStream.class);
        assertThatThrownBy(stream::receive).isInstanceOf(ClientStream.EndOfStream.class);
    }

    @Test
    void iteratesUntilTheEnd() {
        ClientStream stream = client.invokeChanUrl("/streaming/ReqReplyStreamChan", "p");
        for (int i = 0; i < 10; i++) {
            stream.send(i);
        }
        stream.close();
        List<String> replies = new ArrayList<>();
        for (ClientStream.Message m : stream) {
            replies.add(m.as(String.class));
        }
        assertThat(replies).hasSize(10).startsWith("p:0 received").endsWith("p:9 received");
    }

    @Test
    void theServiceEndsTheCallWhenItReturns() {
        ClientStream stream = service.invokeChan("once_chan", "only");
        assertThat(stream.receive().json()).isEqualTo("\"only\"");
        assertThatThrownBy(stream::receive).isInstanceOf(ClientStream.EndOfStream.class);
        stream.close(); // after the end: nothing happens
    }

    @Test
    void bytesEchoShaEqual() throws Exception {
        byte[] data = new byte[4 * 1024 * 1024 + 123];
        new Random(42).nextBytes(data);
        ClientStream stream = service.invokeChan("echoBytesChan");
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            for (int offset = 0; offset < data.length; offset += 32 * 1024) {
                stream.send(java.util.Arrays.copyOfRange(data, offset, Math.min(data.length, offset + 32 * 1024)));
            }
            stream.close();
        });
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long total = 0;
        for (ClientStream.Message m : stream) {
            assertThat(m.isBytes()).isTrue();
            byte[] chunk = m.as(byte[].class);
            received.update(chunk);
            total += chunk.length;
        }
        sender.get(10, TimeUnit.SECONDS);
        assertThat(total).isEqualTo(data.length);
        assertThat(received.digest())
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void anExceptionMidStreamIsARemoteException() {
        ClientStream stream = service.invokeChan("failAfterChan", 2);
        stream.send("a");
        assertThat(stream.receive(String.class)).isEqualTo("a");
        stream.send(2);
        assertThat(stream.receive(Integer.class)).isEqualTo(2);
        assertThatThrownBy(stream::receive)
                .isInstanceOfSatisfying(
                        RemoteException.class, e -> assertThat(e.valueAsText()).isEqualTo("failed after 2 messages"))
                .hasMessage("lever://test.lever/streaming//failAfterChan failed: failed after 2 messages");
        assertThatThrownBy(stream::receive).isInstanceOf(ClientStream.EndOfStream.class);
    }

    @Test
    void aLeverErrorSendsItsValue() {
        ClientStream stream = service.invokeChan("leverErrorChan");
        assertThatThrownBy(stream::receive).isInstanceOfSatisfying(RemoteException.class, e -> assertThat(
                        e.value().get("code").asInt())
                .isEqualTo(7));
        assertThatThrownBy(stream::receive).isInstanceOf(ClientStream.EndOfStream.class);
    }

    @Test
    void anErrorFromTheClientReachesTheService() {
        ClientStream stream = service.invokeChan("ReqReplyStreamChan", "p");
        stream.error("oops");
        // the service's receive throws a LeverError("oops"), which it lets through: sent back
        assertThatThrownBy(stream::receive)
                .isInstanceOfSatisfying(
                        RemoteException.class, e -> assertThat(e.valueAsText()).isEqualTo("oops"));
        assertThatThrownBy(stream::receive).isInstanceOf(ClientStream.EndOfStream.class);
    }

    @Test
    void wrongCallTypesAndRefusedCalls() {
        assertThatThrownBy(() -> service.invoke(String.class, "ReqReplyStreamChan", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("use invokeChan for streaming methods");
        assertThatThrownBy(() -> service.invokeChan("regular", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("use invoke for request/reply methods");
        assertThatThrownBy(() -> service.invokeChan("nopeChan"))
                .isInstanceOfSatisfying(
                        LeverException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> service.invokeChan("ReqReplyStreamChan", 1, 2))
                .isInstanceOfSatisfying(
                        LeverException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageEndingWith("method 'ReqReplyStreamChan' takes 1 argument (String prefix), got 2");
    }

    @Test
    void aSlowReaderBlocksTheServicesSend() {
        int count = 2000;
        ClientStream stream = service.invokeChan("floodChan", count, 10_000);
        for (int i = 0; i < 5; i++) {
            assertThat(stream.receive(String.class)).startsWith(i + ":");
        }
        // the reader stops: the service gets a bounded distance ahead, then its send blocks
        awaitStill(StreamingService.FLOOD_SENT);
        int ahead = StreamingService.FLOOD_SENT.get();
        System.out.println("flood: the service ran " + ahead + " messages ahead of a stopped reader");
        assertThat(ahead).isBetween(5, 5 + RUN_AHEAD_BOUND);
        int received = 5;
        for (ClientStream.Message m : stream) {
            assertThat(m.as(String.class)).startsWith(received + ":");
            received++;
        }
        assertThat(received).isEqualTo(count);
        assertThat(StreamingService.FLOOD_SENT.get()).isEqualTo(count);
    }

    @Test
    void cancellingEndsTheBlockedMethod() {
        ClientStream stream = service.invokeChan("floodChan", 1_000_000, 1000);
        assertThat(stream.receive(String.class)).startsWith("0:");
        stream.cancel();
        await().atMost(Duration.ofSeconds(10)).until(() -> StreamingService.floodEnd.get() != null);
        assertThat(StreamingService.floodEnd.get())
                .isEqualTo("java.lang.IllegalStateException: the client cancelled the stream of 'floodChan'");
        assertThatThrownBy(() -> {
                    for (ClientStream.Message ignored : stream) {
                        // what was read ahead, then the cancellation
                    }
                })
                .isInstanceOfSatisfying(
                        LeverException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.CANCELLED));
        assertThatThrownBy(() -> stream.send("late")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSlowServiceBlocksTheClientsSend() throws Exception {
        StreamingService.holdRelease = new CountDownLatch(1);
        ClientStream stream = service.invokeChan("holdChan");
        AtomicInteger sent = new AtomicInteger();
        int count = 1000;
        String filler = "y".repeat(10_000);
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < count; i++) {
                stream.send(filler);
                sent.incrementAndGet();
            }
            stream.close();
        });
        awaitStill(sent);
        int ahead = sent.get();
        System.out.println("hold: the client ran " + ahead + " messages ahead of a service that does not read");
        assertThat(ahead).isLessThan(RUN_AHEAD_BOUND);
        assertThat(sender).isNotDone();
        StreamingService.holdRelease.countDown();
        sender.get(10, TimeUnit.SECONDS);
        assertThat(stream.receive(Integer.class)).isEqualTo(count);
        assertThatThrownBy(stream::receive).isInstanceOf(ClientStream.EndOfStream.class);
    }

    /** Waits until {@code counter} is above 0 and has not moved for half a second (a blocked sender). */
    private static void awaitStill(AtomicInteger counter) {
        int[] last = {-1};
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    int now = counter.get();
                    boolean still = now > 0 && now == last[0];
                    last[0] = now;
                    return still;
                });
    }
}
