package io.leveros.dataplane.logs;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * One line of an instance's output.
 *
 * @param time when the node read it, epoch milliseconds
 * @param stream {@code stdout}, {@code stderr}, or {@code lever} for what the platform says about
 *     the log itself (lines it dropped)
 */
public record LogLine(long time, LogSource source, String stream, String text) {
    /** What the line is taken to cost in memory: its chars (2 bytes each) and the record around them. */
    long cost() {
        return 96 + 2L * text.length();
    }

    /** The line as one JSON object (docs/contracts.md, "Logs"), with the node that kept it. */
    String toJson(String node) {
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        return "{\"time\":" + time
                + ",\"node\":\"" + new String(encoder.quoteAsString(node))
                + "\",\"env\":\"" + source.environment()
                + "\",\"service\":\"" + source.service()
                + "\",\"version\":" + source.version()
                + ",\"instance\":\"" + source.instance()
                + "\",\"stream\":\"" + stream
                + "\",\"text\":\"" + new String(encoder.quoteAsString(text)) + "\"}";
    }
}
