package io.leveros.testservice;

import io.leveros.api.Lever;
import io.leveros.api.LeverError;
import io.leveros.api.LeverStream;
import io.leveros.api.TraceContext;
import io.leveros.client.LeverClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The service the end-to-end tests call; the method names are part of those tests, keep them.
 * Each method exercises one rule of the runtime contract (binding, results, errors, bytes).
 */
public class TestService {
    /** What {@link #newResource} and {@link #closeResource} recorded on this instance, in order. */
    private final List<String> resourceEvents = new CopyOnWriteArrayList<>();

    /** A record argument and result. */
    public record Point(int x, int y) {}

    public String sayHello(String name) {
        return "Hello, " + name + "!";
    }

    /** As in the original Lever system tests. */
    public String BasicHello(String name) {
        return "hello " + name;
    }

    /** As in the original Lever system tests: the error value is {@code "error sent: <msg>"}. */
    public String BasicError(String msg) {
        throw new LeverError("error sent: " + msg);
    }

    /** The original system test's stream: answers each message m with "prefix:m received". */
    public void ReqReplyStreamChan(LeverStream stream, String prefix) {
        for (LeverStream.Message message : stream) {
            stream.send(prefix + ":" + message.as(Object.class) + " received");
        }
    }

    /** Every message back as it came, bytes as bytes. */
    public void echoChan(LeverStream stream) {
        for (LeverStream.Message message : stream) {
            stream.send(message.isBytes() ? message.bytes() : message.as(Object.class));
        }
    }

    /** Echoes the first message, then fails: the error must reach the client as an error. */
    public void failChan(LeverStream stream) {
        stream.send(stream.receive().as(Object.class));
        throw new IllegalStateException("failed mid-stream");
    }

    /** Any JSON value back unchanged (string, number, bool, null, array, object). */
    public Object echo(Object value) {
        return value;
    }

    public int add(int a, int b) {
        return a + b;
    }

    public double half(double x) {
        return x / 2;
    }

    public boolean negate(boolean b) {
        return !b;
    }

    public long big(long x) {
        return x + 1;
    }

    public List<Integer> reversed(List<Integer> xs) {
        List<Integer> copy = new ArrayList<>(xs);
        Collections.reverse(copy);
        return copy;
    }

    public Map<String, Integer> counts(List<String> words) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String word : words) {
            counts.merge(word, 1, Integer::sum);
        }
        return counts;
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

    public byte[] reverseBytes(byte[] data) {
        byte[] reversed = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            reversed[i] = data[data.length - 1 - i];
        }
        return reversed;
    }

    public int byteCount(byte[] data) {
        return data.length;
    }

    /** A void method: the result is null. */
    public void doNothing() {}

    /** An ordinary exception: the error value is its message. */
    public String fail(String message) {
        throw new IllegalStateException(message);
    }

    public Object failWithValue() {
        throw new LeverError(Map.of("code", 42, "reason", "custom"));
    }

    public byte[] failWithBytes() {
        throw new LeverError(new byte[] {1, 2, 3});
    }

    /** Allocates until the heap runs out (the instance should exit, not answer). */
    public int fillHeap() {
        List<long[]> kept = new ArrayList<>();
        while (true) {
            kept.add(new long[1 << 17]); // 1 MiB
        }
    }

    /** The instance's process id, for tests that look at the process from outside. */
    public long pid() {
        return ProcessHandle.current().pid();
    }

    public String instanceId() {
        return Lever.instanceId();
    }

    /** Sleeps, then answers the instance id: for load, drain and balancing tests. */
    public String slow(int millis) throws InterruptedException {
        System.out.println("slow call started: " + millis + " ms");
        Thread.sleep(millis);
        return Lever.instanceId();
    }

    /**
     * Calls {@code /<service>/<method>} in this service's own environment with one argument, through
     * the data plane's internal gateway (the client's default inside an instance).
     */
    public Object callOther(String service, String method, Object argument) {
        try (LeverClient client = LeverClient.create()) {
            return client.invokeUrl(Object.class, "/" + service + "/" + method, argument);
        }
    }

    /**
     * The W3C trace context this call came with: {@code {"traceparent", "tracestate", "traceId",
     * "parentId"}}, or {@code {}} without one.
     */
    public Map<String, String> traceContext() {
        Map<String, String> seen = new LinkedHashMap<>();
        TraceContext.current().ifPresent(trace -> {
            seen.put("traceparent", trace.traceparent());
            seen.put("tracestate", trace.tracestate());
            seen.put("traceId", trace.traceId());
            seen.put("parentId", trace.parentId());
        });
        return seen;
    }

    /**
     * Calls {@code /<service>/traceContext} through the internal gateway: {@code {"own", "callee"}},
     * this call's trace context and the one the called service saw.
     */
    public Map<String, Object> traceCall(String service) {
        Map<String, Object> both = new LinkedHashMap<>();
        both.put("own", traceContext());
        try (LeverClient client = LeverClient.create()) {
            both.put("callee", client.invokeUrl(Object.class, "/" + service + "/traceContext"));
        }
        return both;
    }

    public Map<String, String> whoAmI() {
        Map<String, String> who = new LinkedHashMap<>();
        who.put("env", Lever.environment());
        who.put("service", Lever.service());
        who.put("instanceId", Lever.instanceId());
        who.put("codeVersion", Lever.codeVersion());
        return who;
    }

    /** The data plane's {@code NewResource} call: records {@code "new:<resource>"}. */
    public void newResource() {
        resourceEvents.add("new:" + Lever.resource());
    }

    /** The data plane's {@code CloseResource} call: records {@code "close:<resource>"}. */
    public void closeResource() {
        resourceEvents.add("close:" + Lever.resource());
    }

    /**
     * Called as {@code /<service>/<resource>/whoHolds}: {@code {"instance", "resource", "opened"}},
     * opened when this instance ran NewResource for the resource and no CloseResource since.
     */
    public Map<String, Object> whoHolds() {
        String resource = Lever.resource();
        Map<String, Object> who = new LinkedHashMap<>();
        who.put("instance", Lever.instanceId());
        who.put("resource", resource);
        who.put(
                "opened",
                resourceEvents.lastIndexOf("new:" + resource) > resourceEvents.lastIndexOf("close:" + resource));
        return who;
    }

    /** {@code {"instance", "events": ["new:r", "close:r", ...]}} of this instance, in order. */
    public Map<String, Object> resourceEvents() {
        Map<String, Object> events = new LinkedHashMap<>();
        events.put("instance", Lever.instanceId());
        events.put("events", List.copyOf(resourceEvents));
        return events;
    }

    /** Sends {@code {"instance", "resource"}}, then echoes every message until the client closes. */
    public void resourceChan(LeverStream stream) {
        Map<String, Object> who = new LinkedHashMap<>();
        who.put("instance", Lever.instanceId());
        who.put("resource", Lever.resource());
        stream.send(who);
        for (LeverStream.Message message : stream) {
            stream.send(message.isBytes() ? message.bytes() : message.as(Object.class));
        }
    }

    /** Private (its name starts with _): calling it must answer NOT_FOUND. */
    public String _secret() {
        return "this must never be returned";
    }
}
