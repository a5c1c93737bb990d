package io.leveros.systemtests;

import java.util.Map;

/** Reads samples out of a Prometheus text scrape. */
final class PrometheusScrape {
    private PrometheusScrape() {}

    /**
     * The sum of the samples named {@code name} that carry every one of {@code labels} (other labels
     * may differ); 0 when there is none.
     */
    static double sum(String scrape, String name, Map<String, String> labels) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            boolean matches = labels.entrySet().stream()
                    .map(label -> label.getKey() + "=\"" + label.getValue() + "\"")
                    .allMatch(label -> series.contains("{" + label) || series.contains("," + label));
            if (matches) {
                sum += Double.parseDouble(line.substring(space + 1));
            }
        }
        return sum;
    }
}
