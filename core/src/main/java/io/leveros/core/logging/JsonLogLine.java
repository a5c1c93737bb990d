package io.leveros.core.logging;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One log record as a line of JSON in the shape of Elastic Common Schema, which is what the control
 * plane (Spring Boot's {@code ecs} structured logging) writes too, so that one log pipeline reads
 * every part of the platform: {@code @timestamp}, {@code log.level}, {@code log.logger}, {@code
 * message}, then the record's own fields, all strings, nested at their dots ({@code
 * {"log":{"level":"INFO",...}}}) as Spring Boot writes them.
 *
 * <pre>
 * JsonLogLine.of(Instant.now(), "INFO", "lever-up", "Lever is up in 2.1 s.").field("process.pid", "42").toString()
 * </pre>
 */
public final class JsonLogLine {
    /** Fields by name, a dotted name nested as Spring Boot's ECS writer nests them ({@code log.level}: {@code {"log":{"level":...}}}). */
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private JsonLogLine() {}

    public static JsonLogLine of(Instant time, String level, String logger, String message) {
        return new JsonLogLine()
                .field("@timestamp", time.toString())
                .field("log.level", level)
                .field("log.logger", logger)
                .field("message", message)
                .field("ecs.version", "8.11");
    }

    /** Adds {@code name}, nested at its dots; a {@code null} value is left out. */
    @SuppressWarnings("unchecked")
    public JsonLogLine field(String name, String value) {
        if (value == null) {
            return this;
        }
        Map<String, Object> into = fields;
        int from = 0;
        for (int dot; !name.startsWith("@") && (dot = name.indexOf('.', from)) > 0; from = dot + 1) {
            Object inner = into.computeIfAbsent(name.substring(from, dot), key -> new LinkedHashMap<String, Object>());
            if (!(inner instanceof Map)) {
                throw new IllegalArgumentException(name + ": " + name.substring(0, dot) + " is a value already");
            }
            into = (Map<String, Object>) inner;
        }
        into.put(name.substring(from), value);
        return this;
    }

    /** The record, without a line break. */
    @Override
    public String toString() {
        StringBuilder json = new StringBuilder(256);
        write(fields, json);
        return json.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(Map<String, Object> object, StringBuilder json) {
        json.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> field : object.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            quote(field.getKey(), json);
            json.append(':');
            if (field.getValue() instanceof Map<?, ?> inner) {
                write((Map<String, Object>) inner, json);
            } else {
                quote((String) field.getValue(), json);
            }
        }
        json.append('}');
    }

    private static void quote(String text, StringBuilder json) {
        json.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, json);
        json.append('"');
    }
}
