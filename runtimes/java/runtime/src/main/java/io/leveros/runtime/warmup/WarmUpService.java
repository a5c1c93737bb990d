package io.leveros.runtime.warmup;

import io.leveros.api.LeverError;
import java.util.List;
import java.util.Map;

/** A service whose calls go through the runtime's common paths: JSON, records, bytes, errors. */
public final class WarmUpService {
    /** A record argument and result. */
    public record Point(int x, int y) {}

    public String hello(String name) {
        return "Hello, " + name + "!";
    }

    public Point move(Point point, int dx, List<Integer> more, Map<String, Object> options) {
        return new Point(point.x() + dx + more.size(), point.y() + options.size());
    }

    public byte[] reverse(byte[] data) {
        byte[] reversed = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            reversed[i] = data[data.length - 1 - i];
        }
        return reversed;
    }

    public String fail(String message) {
        throw new LeverError(Map.of("message", message));
    }
}
