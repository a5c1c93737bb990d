package io.leveros.controlplane.logs;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.leveros.controlplane.node.NodeCredentials;
import io.leveros.controlplane.node.NodeRegistry;
import io.leveros.proto.control.Node;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Reads a service's instance output from every node that reports (each keeps its own instances'
 * lines: {@code GET /_lever/logs} on its forwarding port, with the cluster's forwarding key) and
 * merges it by time. A node that does not answer is named in a line of its own ({@code
 * "error"}); the other nodes' lines still come.
 */
@Component
public class ServiceLogs {
    /** How long a node may take to send its kept lines. */
    static final Duration NODE_TIMEOUT = Duration.ofSeconds(10);

    /** What a node sends after its kept lines when following: the new lines come next. */
    public static final String CAUGHT_UP = "{\"caughtUp\":true}";

    /** Lines from the nodes waiting to be written to a follower before the slowest are dropped. */
    static final int FOLLOW_QUEUE = 10_000;

    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final NodeRegistry nodes;
    private final NodeCredentials credentials;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    public ServiceLogs(NodeRegistry nodes, NodeCredentials credentials) {
        this.nodes = nodes;
        this.credentials = credentials;
    }

    /** Where lines go while following; a failing write ends the follow. */
    @FunctionalInterface
    public interface LineWriter {
        void write(String line) throws IOException;
    }

    /** The newest {@code query.limit()} kept lines of every node, merged by time, as NDJSON lines. */
    public List<String> read(LogQuery query) {
        List<CompletableFuture<List<String>>> answers = new ArrayList<>();
        for (Node node : nodes.known().nodes()) {
            answers.add(http.sendAsync(
                            request(node, query, false).timeout(NODE_TIMEOUT).build(), lines())
                    .thenApply(response -> {
                        try (Stream<String> lines = linesOf(node, response)) {
                            return lines.toList();
                        }
                    })
                    .exceptionally(failure -> List.of(unanswered(node, failure))));
        }
        List<String> merged = new ArrayList<>();
        for (CompletableFuture<List<String>> answer : answers) {
            merged.addAll(answer.join());
        }
        merged.sort(Comparator.comparingLong(ServiceLogs::timeOf));
        return merged.size() > query.limit() ? merged.subList(merged.size() - query.limit(), merged.size()) : merged;
    }

    /**
     * Writes the newest kept lines of every node merged by time, then each new line as a node sends
     * it, until a write fails (the reader went away) or the thread is interrupted. Each node sends
     * its kept lines, then {@link #CAUGHT_UP}, then its new lines, from one registration: no line
     * is missed or sent twice between the two. An empty line goes out every {@link #HEARTBEAT}
     * without lines, so a reader that left is noticed.
     */
    public void follow(LogQuery query, LineWriter out) throws IOException, InterruptedException {
        List<Node> following = nodes.known().nodes();
        CountDownLatch caughtUp = new CountDownLatch(following.size());
        List<String> backlog = new ArrayList<>();
        boolean[] backlogWritten = {false};
        BlockingQueue<String> live = new LinkedBlockingQueue<>(FOLLOW_QUEUE);
        List<Thread> readers = new ArrayList<>();
        List<Stream<String>> open = new ArrayList<>();
        boolean[] stopped = {false};
        try {
            for (Node node : following) {
                readers.add(Thread.ofVirtual()
                        .name("lever-logs-" + node.getNodeId())
                        .start(() -> {
                            boolean nodeCaughtUp = false;
                            try {
                                HttpResponse<Stream<String>> response =
                                        http.send(request(node, query, true).build(), lines());
                                try (Stream<String> lines = linesOf(node, response)) {
                                    synchronized (open) {
                                        if (stopped[0]) {
                                            return;
                                        }
                                        open.add(lines);
                                    }
                                    for (String line : (Iterable<String>) lines::iterator) {
                                        if (!nodeCaughtUp && line.equals(CAUGHT_UP)) {
                                            nodeCaughtUp = true;
                                            caughtUp.countDown();
                                            continue;
                                        }
                                        synchronized (backlog) {
                                            if (!backlogWritten[0]) {
                                                backlog.add(line);
                                                continue;
                                            }
                                        }
                                        if (!live.offer(line)) {
                                            live.offer(lever(node, "lines were dropped: this reader was too slow"));
                                        }
                                    }
                                }
                                live.offer(lever(node, "stopped sending its lines (it left or restarted)"));
                            } catch (IOException | RuntimeException e) {
                                live.offer(unanswered(node, e));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } finally {
                                if (!nodeCaughtUp) {
                                    caughtUp.countDown();
                                }
                            }
                        }));
            }
            caughtUp.await(NODE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<String> first;
            synchronized (backlog) {
                backlogWritten[0] = true;
                backlog.sort(Comparator.comparingLong(ServiceLogs::timeOf));
                first = List.copyOf(backlog.subList(Math.max(0, backlog.size() - query.limit()), backlog.size()));
            }
            for (String line : first) {
                out.write(line);
            }
            while (true) {
                String line = live.poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                out.write(line == null ? "" : line);
            }
        } finally {
            readers.forEach(Thread::interrupt);
            synchronized (open) {
                stopped[0] = true;
                open.forEach(Stream::close); // ends the nodes' answers, and so their readers
            }
        }
    }

    private HttpRequest.Builder request(Node node, LogQuery query, boolean follow) {
        return HttpRequest.newBuilder(
                        URI.create("http://" + node.getForwardingAddress() + "/_lever/logs?" + query.nodeQuery(follow)))
                .header("lever-forwarding-key", credentials.forwardingKey())
                .GET();
    }

    private static HttpResponse.BodyHandler<Stream<String>> lines() {
        return HttpResponse.BodyHandlers.ofLines();
    }

    /** The lines of a node's answer, as they come; a refusal is one error line with what the node said. */
    private static Stream<String> linesOf(Node node, HttpResponse<Stream<String>> response) {
        if (response.statusCode() != 200) {
            String said;
            try (Stream<String> body = response.body()) {
                said = String.join(" ", body.toList());
            }
            return Stream.of(error(node, "answered " + response.statusCode() + ": " + said));
        }
        return response.body().filter(line -> !line.isEmpty());
    }

    /** When a line was written; a line without a time sorts first. */
    static long timeOf(String line) {
        int at = line.indexOf("\"time\":");
        if (at < 0) {
            return 0;
        }
        long time = 0;
        for (int i = at + 7; i < line.length() && Character.isDigit(line.charAt(i)); i++) {
            time = time * 10 + (line.charAt(i) - '0');
        }
        return time;
    }

    private static String unanswered(Node node, Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        return error(node, "did not answer (" + cause + "); its lines are missing");
    }

    private static String error(Node node, String what) {
        return "{\"time\":" + System.currentTimeMillis() + ",\"node\":\"" + node.getNodeId() + "\",\"error\":\""
                + quote("node " + node.getNodeId() + " " + what) + "\"}";
    }

    private static String lever(Node node, String what) {
        return "{\"time\":" + System.currentTimeMillis() + ",\"node\":\"" + node.getNodeId()
                + "\",\"stream\":\"lever\",\"text\":\"" + quote("[node " + node.getNodeId() + " " + what + "]")
                + "\"}";
    }

    private static String quote(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }
}
