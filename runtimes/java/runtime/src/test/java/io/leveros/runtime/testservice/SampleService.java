package io.leveros.runtime.testservice;

import io.leveros.api.Lever;
import io.leveros.api.LeverError;
import io.leveros.api.LeverStream;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A service exercising every binding rule; used in-process and as a separate runtime process. */
public class SampleService extends BaseService {
    public record Point(int x, int y) {}

    public static class Person {
        private String name;
        private int age;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int getAge() {
            return age;
        }

        public void setAge(int age) {
            this.age = age;
        }
    }

    public String sayHello(String name) {
        return "Hello, " + name + "!";
    }

    public int add(int a, int b) {
        return a + b;
    }

    public long big(long x) {
        return x + 1;
    }

    public double half(double x) {
        return x / 2;
    }

    public boolean negate(boolean b) {
        return !b;
    }

    public Integer boxed(Integer value) {
        return value;
    }

    public float floaty(float value) {
        return value * 2;
    }

    public Object echo(Object value) {
        return value;
    }

    /** The Java types Jackson picked for the values of an untyped map. */
    public String echoType(Map<String, Object> values) {
        Map<String, String> types = new java.util.LinkedHashMap<>();
        values.forEach((k, v) -> types.put(k, v.getClass().getSimpleName()));
        return types.toString();
    }

    public int sum(List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).sum();
    }

    public Map<String, Integer> lengths(List<String> words) {
        return words.stream().collect(java.util.stream.Collectors.toMap(w -> w, String::length, (a, b) -> a));
    }

    public Point move(Point p, int dx, int dy) {
        return new Point(p.x() + dx, p.y() + dy);
    }

    public Person older(Person p) {
        Person older = new Person();
        older.setName(p.getName());
        older.setAge(p.getAge() + 1);
        return older;
    }

    public String describeNull(String s) {
        return s == null ? "null" : "not null";
    }

    public String optional(Optional<String> s) {
        return s.orElse("empty");
    }

    public LocalDate tomorrow(LocalDate day) {
        return day.plusDays(1);
    }

    public String join(String separator, String... parts) {
        return String.join(separator, parts);
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

    public String failWithoutMessage() {
        throw new UnsupportedOperationException();
    }

    public Object failWithValue() {
        throw new LeverError(Map.of("code", 42));
    }

    public Object failWithRecord() {
        throw new LeverError(new Point(1, 2));
    }

    public Object failWithNull() {
        throw new LeverError(null);
    }

    public byte[] failWithBytes() {
        throw new LeverError(new byte[] {1, 2, 3});
    }

    public Object unencodable() {
        return new Object() {
            public Object getSelf() {
                return this;
            }
        };
    }

    /** Prints a line when it starts, so that a test knows the call is in flight. */
    public String slow(int millis) throws InterruptedException {
        System.out.println("slow call started");
        Thread.sleep(millis);
        return "slept " + millis + " ms in " + Lever.instanceId();
    }

    public void fooChan(LeverStream stream, String arg) {
        stream.send(arg);
    }

    public String _secret() {
        return "secret";
    }

    public static String helper() {
        return "static methods are not exported";
    }

    @Override
    public String toString() {
        return "toString is not exported";
    }
}
