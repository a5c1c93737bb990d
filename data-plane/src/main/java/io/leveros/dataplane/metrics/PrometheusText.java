package io.leveros.dataplane.metrics;

/**
 * Builds a scrape in the Prometheus text exposition format (version 0.0.4): families with their
 * help and type, then their samples.
 */
final class PrometheusText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(8192);

    /** Starts a family: every sample of {@code name} follows before the next family. */
    void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    void sample(String name, String labels, long value) {
        series(name, labels).append(value).append('\n');
    }

    void sample(String name, String labels, double value) {
        series(name, labels).append(value).append('\n');
    }

    private StringBuilder series(String name, String labels) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        return out.append(' ');
    }

    /** {@code name="value"} pairs, values escaped: {@code labels("service", "hello", "status", "200")}. */
    static String labels(String... namesAndValues) {
        StringBuilder labels = new StringBuilder(64);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) {
                labels.append(',');
            }
            labels.append(namesAndValues[i]).append("=\"");
            String value = namesAndValues[i + 1];
            for (int c = 0; c < value.length(); c++) {
                char ch = value.charAt(c);
                switch (ch) {
                    case '\\' -> labels.append("\\\\");
                    case '"' -> labels.append("\\\"");
                    case '\n' -> labels.append("\\n");
                    default -> labels.append(ch);
                }
            }
            labels.append('"');
        }
        return labels.toString();
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
