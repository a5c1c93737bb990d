package io.leveros.client;

import io.leveros.api.LeverError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The service the client tests call through a real Java runtime. */
public class CalledService {
    public record Point(int x, int y) {}

    public String sayHello(String name) {
        return "Hello, " + name + "!";
    }

    public Point move(Point p, int dx, int dy) {
        return new Point(p.x() + dx, p.y() + dy);
    }

    public List<Integer> reversed(List<Integer> xs) {
        List<Integer> copy = new ArrayList<>(xs);
        Collections.reverse(copy);
        return copy;
    }

    public byte[] reverseBytes(byte[] data) {
        byte[] reversed = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            reversed[i] = data[data.length - 1 - i];
        }
        return reversed;
    }

    public void doNothing() {}

    public String fail(String message) {
        throw new IllegalStateException(message);
    }

    public Object failWithValue() {
        throw new LeverError(Map.of("code", 42));
    }

    public byte[] failWithBytes() {
        throw new LeverError(new byte[] {1, 2, 3});
    }

    public String slow(int millis) throws InterruptedException {
        Thread.sleep(millis);
        return "done";
    }
}
