package io.leveros.dataplane.logs;

import io.leveros.core.logging.JsonLogLine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * How the data plane writes its own log and the instances' output it prints ({@code --log-format}):
 * {@code text} for people ({@code 10:00:01 INFO ...}, {@code lever://dev.lever/hello v3 <line>}), or
 * {@code json}, one {@link JsonLogLine} per record for a log pipeline, an instance's line with its
 * environment, service, version, instance and stream as fields.
 */
public enum LogFormat {
    TEXT,
    JSON;

    /** What the data plane's own records name as their {@code service.name}, as the control plane names itself. */
    static final String SERVICE_NAME = "lever-data-plane";

    /** {@code text} or {@code json}. */
    public static LogFormat parse(String option, String value) {
        return switch (value) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default ->
                throw new IllegalArgumentException(
                        option + ": '" + value + "' is not a log format (expected: text or json)");
        };
    }

    /** Makes the platform's own log (java.util.logging) write in this format. Call before anything logs. */
    public void install() {
        if (this == TEXT) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
            return;
        }
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            handler.setFormatter(new JsonFormatter());
        }
    }

    /** A line of the data plane's own (outside java.util.logging, e.g. where it listens). */
    public String line(String message) {
        return this == TEXT
                ? message
                : JsonLogLine.of(Instant.now(), "INFO", "io.leveros.dataplane", message)
                        .field("service.name", SERVICE_NAME)
                        .toString();
    }

    /**
     * A line an instance wrote, as the platform's log prints it.
     *
     * @param prefix what a text line starts with, e.g. {@code lever://dev.lever/hello v3}
     */
    public String instanceLine(LogSource source, String prefix, String stream, String line) {
        if (this == TEXT) {
            return prefix + " " + line;
        }
        return JsonLogLine.of(Instant.now(), "INFO", "instance", line)
                .field("lever.environment", source.environment())
                .field("lever.service", source.service())
                .field("lever.version", Long.toString(source.version()))
                .field("lever.instance", source.instance())
                .field("lever.stream", stream)
                .toString();
    }

    /** java.util.logging records as JSON lines. */
    static final class JsonFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            JsonLogLine line = JsonLogLine.of(
                            record.getInstant(), level(record), record.getLoggerName(), formatMessage(record))
                    .field(
                            "process.thread.name",
                            Thread.currentThread().getName()) // handlers format on the logging thread
                    .field("service.name", SERVICE_NAME);
            Throwable thrown = record.getThrown();
            if (thrown != null) {
                StringWriter trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                line.field("error.type", thrown.getClass().getName())
                        .field("error.message", thrown.getMessage())
                        .field("error.stack_trace", trace.toString());
            }
            return line + System.lineSeparator();
        }

        /** The level as SLF4J and the control plane name it. */
        private static String level(LogRecord record) {
            int level = record.getLevel().intValue();
            if (level >= java.util.logging.Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (level >= java.util.logging.Level.WARNING.intValue()) {
                return "WARN";
            }
            if (level >= java.util.logging.Level.INFO.intValue()) {
                return "INFO";
            }
            return level >= java.util.logging.Level.FINE.intValue() ? "DEBUG" : "TRACE";
        }
    }
}
