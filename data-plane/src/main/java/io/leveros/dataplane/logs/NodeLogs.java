package io.leveros.dataplane.logs;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The output of this node's instances, kept in memory: per instance the last {@link
 * #LINES_PER_INSTANCE} lines within {@link #BYTES_PER_INSTANCE}, and of exited instances (a crash
 * is when the output matters most) the newest within {@link #EXITED_BYTES} for {@link
 * #EXITED_KEPT_FOR}. Older lines are dropped and counted; a reader is told how many, where they
 * were. Nothing goes to disk, so a flooding instance costs at most its buffer.
 *
 * <p>One lock guards every buffer and the followers, so a follower's backlog and the lines after it
 * neither overlap nor miss a line; it is held for a few list operations per line.
 */
public final class NodeLogs {
    public static final int LINES_PER_INSTANCE = 10_000;
    public static final long BYTES_PER_INSTANCE = 2L * 1024 * 1024;
    public static final long EXITED_BYTES = 32L * 1024 * 1024;
    public static final Duration EXITED_KEPT_FOR = Duration.ofHours(1);

    private final Clock clock;
    /** Instance id to its log, oldest first: the exited ones are evicted in that order. */
    private final Map<String, InstanceLog> logs = new LinkedHashMap<>();

    private final Set<Follower> followers = ConcurrentHashMap.newKeySet();

    public NodeLogs() {
        this(Clock.systemUTC());
    }

    NodeLogs(Clock clock) {
        this.clock = clock;
    }

    /** The log of a new instance. */
    public InstanceLog open(LogSource source) {
        InstanceLog log = new InstanceLog(source);
        synchronized (this) {
            logs.put(source.instance(), log);
        }
        return log;
    }

    /**
     * The kept lines that {@code filter} takes, oldest first, at most the newest {@code limit}; each
     * instance whose older lines were dropped has a {@code lever} line saying how many, before its
     * first kept line.
     */
    public synchronized List<LogLine> read(LogFilter filter, int limit) {
        evictExited();
        List<LogLine> lines = new ArrayList<>();
        for (InstanceLog log : logs.values()) {
            if (filter.matches(log.source)) {
                log.addMatching(filter, lines);
            }
        }
        lines.sort(Comparator.comparingLong(LogLine::time));
        return lines.size() > limit ? List.copyOf(lines.subList(lines.size() - limit, lines.size())) : lines;
    }

    /**
     * Hands {@code to} the lines {@code filter} takes as they are written, from now on, until the
     * returned follow is closed. {@code to} runs under this log's lock: it must only queue the line.
     * The lines kept until now are {@link Follow#backlog()}.
     */
    public synchronized Follow follow(LogFilter filter, int backlogLimit, Consumer<LogLine> to) {
        Follower follower = new Follower(filter, to);
        followers.add(follower);
        return new Follow(read(filter, backlogLimit), () -> followers.remove(follower));
    }

    /** Lines kept in every buffer, for tests and metrics. */
    synchronized long keptBytes() {
        long bytes = 0;
        for (InstanceLog log : logs.values()) {
            bytes += log.bytes;
        }
        return bytes;
    }

    private void evictExited() {
        long now = clock.millis();
        long exitedBytes = 0;
        List<InstanceLog> exited = new ArrayList<>();
        for (InstanceLog log : logs.values()) {
            if (log.exitedAt > 0) {
                exited.add(log);
                exitedBytes += log.bytes;
            }
        }
        for (InstanceLog log : exited) { // oldest first
            if (exitedBytes > EXITED_BYTES || now - log.exitedAt > EXITED_KEPT_FOR.toMillis()) {
                logs.remove(log.source.instance());
                exitedBytes -= log.bytes;
            }
        }
    }

    /** A reader following the log: the lines kept when it started, and the way to stop. */
    public record Follow(List<LogLine> backlog, Runnable stop) implements AutoCloseable {
        @Override
        public void close() {
            stop.run();
        }
    }

    private record Follower(LogFilter filter, Consumer<LogLine> to) {}

    /** One instance's lines; written by the threads that read its output. */
    public final class InstanceLog {
        private final LogSource source;
        private final ArrayDeque<LogLine> lines = new ArrayDeque<>();
        private long bytes;
        private long dropped;
        private long exitedAt;

        private InstanceLog(LogSource source) {
            this.source = source;
        }

        /** Keeps a line the instance wrote on {@code stream} and hands it to the followers. */
        public void append(String stream, String text) {
            LogLine line = new LogLine(clock.millis(), source, stream, text);
            synchronized (NodeLogs.this) {
                lines.addLast(line);
                bytes += line.cost();
                while (lines.size() > LINES_PER_INSTANCE || bytes > BYTES_PER_INSTANCE) {
                    bytes -= lines.removeFirst().cost();
                    dropped++;
                }
                for (Follower follower : followers) {
                    if (follower.filter.matches(source) && follower.filter.matches(line)) {
                        follower.to.accept(line);
                    }
                }
            }
        }

        /** The instance has exited: its lines are kept a while, then evicted. */
        public void exited() {
            synchronized (NodeLogs.this) {
                exitedAt = Math.max(1, clock.millis());
                evictExited();
            }
        }

        private void addMatching(LogFilter filter, List<LogLine> into) {
            Iterator<LogLine> kept = lines.iterator();
            if (dropped > 0 && kept.hasNext()) {
                LogLine first = lines.peekFirst();
                if (first.time() >= filter.since()) {
                    into.add(new LogLine(
                            first.time(),
                            source,
                            "lever",
                            "[" + dropped + " earlier lines of this instance were dropped: the node keeps its last "
                                    + LINES_PER_INSTANCE + " lines within " + BYTES_PER_INSTANCE / 1024 / 1024
                                    + " MiB]"));
                }
            }
            while (kept.hasNext()) {
                LogLine line = kept.next();
                if (filter.matches(line)) {
                    into.add(line);
                }
            }
        }
    }
}
