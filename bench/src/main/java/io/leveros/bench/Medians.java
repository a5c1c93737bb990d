package io.leveros.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** The median of one measure over a benchmark's rounds. */
final class Medians {
    private Medians() {}

    /** The middle value of {@code measure} over {@code rounds}; the mean of the two middle ones for an even count. */
    static <T> double of(List<T> rounds, ToDoubleFunction<T> measure) {
        double[] values = rounds.stream().mapToDouble(measure).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
