package io.leveros.cli.platform;

import io.leveros.core.logging.JsonLogLine;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * {@code lever up --log-format json}: what {@code lever up} prints itself, each line one JSON
 * record (as the planes write theirs), blank lines left out.
 */
public final class JsonLines extends OutputStream {
    private final PrintStream to;
    private final String level;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    private JsonLines(PrintStream to, String level) {
        this.to = to;
        this.level = level;
    }

    /** A stream whose lines go to {@code to} as JSON records of {@code level}. */
    public static PrintStream printStream(PrintStream to, String level) {
        return new PrintStream(new JsonLines(to, level), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            String text = line.toString(StandardCharsets.UTF_8).strip();
            line.reset();
            if (!text.isEmpty()) {
                to.println(JsonLogLine.of(Instant.now(), level, "lever-up", text));
            }
        } else {
            line.write(b);
        }
    }
}
