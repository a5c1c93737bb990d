package io.leveros.dataplane.logs;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.leveros.dataplane.identity.ForwardingKey;
import io.leveros.dataplane.ingress.HttpReplies;
import io.leveros.dataplane.routing.RoutingState;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.List;

/**
 * {@code GET /_lever/logs} on the forwarding port, for the control plane (it holds the cluster's
 * forwarding key): this node's kept lines of one service as NDJSON, one {@link LogLine#toJson} per
 * line, oldest first; with {@code follow=true} the kept lines are followed by {@code
 * {"caughtUp":true}}, and the answer then stays open and carries each new line, with an empty line every {@link #HEARTBEAT_MS} so that a reader that went away is noticed.
 *
 * <p>Parameters: {@code env}, {@code service} (both required), {@code version}, {@code instance},
 * {@code since} (epoch ms), {@code grep}, {@code limit} (the newest kept lines, default {@link
 * #DEFAULT_LIMIT}).
 */
public final class LogsHandler implements Handler<HttpServerRequest> {
    public static final String PATH = "/_lever/logs";
    public static final int DEFAULT_LIMIT = 1_000;
    public static final int MAX_LIMIT = 100_000;

    /** Lines a follower may have waiting to be written before new ones are dropped (and counted). */
    static final int FOLLOW_QUEUE = 10_000;

    static final long HEARTBEAT_MS = 15_000;

    /** Written after the kept lines when following: the new lines come next. */
    static final String CAUGHT_UP = "{\"caughtUp\":true}\n";

    private static final CharSequence NDJSON = HttpHeaders.createOptimized("application/x-ndjson");

    private final Vertx vertx;
    private final NodeLogs logs;
    private final RoutingState routing;
    private final String nodeId;

    public LogsHandler(Vertx vertx, NodeLogs logs, RoutingState routing, String nodeId) {
        this.vertx = vertx;
        this.logs = logs;
        this.routing = routing;
        this.nodeId = nodeId;
    }

    @Override
    public void handle(HttpServerRequest request) {
        LogFilter filter;
        int limit;
        try {
            ForwardingKey.check(
                    request.getHeader(ForwardingKey.HEADER),
                    routing.table().forwardingKey(),
                    routing.previousForwardingKey(System.nanoTime()));
            MultiMap params = request.params();
            filter = new LogFilter(
                    required(params, "env"),
                    required(params, "service"),
                    number(params, "version", 0),
                    params.get("instance") == null ? "" : params.get("instance"),
                    number(params, "since", 0),
                    params.get("grep") == null ? "" : params.get("grep"));
            limit = (int) Math.min(MAX_LIMIT, number(params, "limit", DEFAULT_LIMIT));
        } catch (CallException e) {
            HttpReplies.error(request.response(), e);
            return;
        }
        HttpServerResponse response = request.response().setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, NDJSON);
        if (!"true".equals(request.getParam("follow"))) {
            vertx.executeBlocking(() -> logs.read(filter, limit), false).onComplete(read -> {
                if (read.succeeded()) {
                    response.end(lines(read.result()));
                } else {
                    HttpReplies.error(response, read.cause());
                }
            });
            return;
        }
        new Follower(vertx.getOrCreateContext(), response).start(filter, limit);
    }

    private Buffer lines(List<LogLine> lines) {
        Buffer body = Buffer.buffer(lines.size() * 160);
        for (LogLine line : lines) {
            body.appendString(line.toJson(nodeId)).appendByte((byte) '\n');
        }
        return body;
    }

    private static String required(MultiMap params, String name) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            throw new CallException(ErrorCode.MALFORMED_REQUEST, "the query parameter '" + name + "' is required");
        }
        return value;
    }

    private static long number(MultiMap params, String name, long otherwise) {
        String value = params.get(name);
        if (value == null) {
            return otherwise;
        }
        try {
            long number = Long.parseLong(value);
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new CallException(
                ErrorCode.MALFORMED_REQUEST,
                "the query parameter '" + name + "' must be a whole number >= 0, not " + value);
    }

    /** One following reader: lines queue under the logs' lock, and are written on its context. */
    private final class Follower {
        private final Context context;
        private final HttpServerResponse response;
        private final ArrayDeque<LogLine> queue = new ArrayDeque<>();
        private long dropped;
        private boolean scheduled;
        private NodeLogs.Follow follow;
        private long heartbeat;

        Follower(Context context, HttpServerResponse response) {
            this.context = context;
            this.response = response;
        }

        void start(LogFilter filter, int limit) {
            follow = logs.follow(filter, limit, this::offer);
            response.write(lines(follow.backlog()).appendString(CAUGHT_UP));
            heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> response.write("\n"));
            response.closeHandler(ended -> stop());
            response.exceptionHandler(failed -> stop());
        }

        /** Under the logs' lock, on whichever thread read the instance's output. */
        private void offer(LogLine line) {
            synchronized (queue) {
                if (queue.size() >= FOLLOW_QUEUE) {
                    dropped++;
                    return;
                }
                queue.addLast(line);
                if (scheduled) {
                    return;
                }
                scheduled = true;
            }
            context.runOnContext(ignored -> drain());
        }

        private void drain() {
            Buffer out = Buffer.buffer();
            synchronized (queue) {
                scheduled = false;
                if (dropped > 0) {
                    LogLine next = queue.peekFirst();
                    out.appendString("{\"node\":\"" + nodeId + "\",\"stream\":\"lever\",\"time\":"
                            + (next == null ? System.currentTimeMillis() : next.time())
                            + ",\"text\":\"[" + dropped + " lines not sent: this reader was too slow]\"}\n");
                    dropped = 0;
                }
                for (LogLine line; (line = queue.pollFirst()) != null; ) {
                    out.appendString(line.toJson(nodeId)).appendByte((byte) '\n');
                }
            }
            if (out.length() == 0 || response.closed()) {
                return;
            }
            response.write(out);
            if (response.writeQueueFull()) {
                // Lines keep queuing (bounded) and the next drain runs once the reader caught up.
                synchronized (queue) {
                    scheduled = true;
                }
                response.drainHandler(ready -> drain());
            }
        }

        private void stop() {
            vertx.cancelTimer(heartbeat);
            if (follow != null) {
                follow.close();
            }
        }
    }
}
