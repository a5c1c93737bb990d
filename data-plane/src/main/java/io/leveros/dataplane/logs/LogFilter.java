package io.leveros.dataplane.logs;

/**
 * Which lines a reader wants: one service's, optionally of one version or instance, from a time
 * on, containing a text.
 *
 * @param version 0 for every version
 * @param instance empty for every instance
 * @param since epoch milliseconds; 0 for every kept line
 * @param grep empty for every line; else lines containing it (case-sensitive)
 */
public record LogFilter(String environment, String service, long version, String instance, long since, String grep) {
    boolean matches(LogSource source) {
        return source.environment().equals(environment)
                && source.service().equals(service)
                && (version == 0 || source.version() == version)
                && (instance.isEmpty() || source.instance().equals(instance));
    }

    boolean matches(LogLine line) {
        return line.time() >= since && (grep.isEmpty() || line.text().contains(grep));
    }
}
