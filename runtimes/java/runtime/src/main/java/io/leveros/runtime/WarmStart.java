package io.leveros.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.leveros.runtime.server.RuntimeServer;
import io.leveros.runtime.warmup.WarmUpMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A warm runtime: a JVM started by the data plane ahead of need ({@code JavaRuntimeMain --warm}), as
 * the user, with the memory limit and in the code folder a future instance will have. It runs itself
 * once on a service of its own (classes loaded, the call path compiled), stops it, says {@value #READY_LINE}, then
 * waits for its <em>order</em>: one line of JSON on standard input,
 * {@code {"args": ["com.example.Hello"], "environment": {"LEVEROS_PORT": ..., ...}}}, written once the data plane has put
 * the service's code in the folder. The order's environment replaces the process's own, so that
 * {@code System.getenv()}, the service and any process it starts see exactly what a normal start
 * would have given them (the JVM must run with {@code --add-opens java.base/java.util=ALL-UNNAMED}).
 */
public final class WarmStart {
    /** The runtime's argument instead of a class name. */
    public static final String ARGUMENT = "--warm";

    /** The first line of its output: trained, it waits for its order (the data plane takes it only then). */
    public static final String READY_LINE = "warm runtime ready";

    private static final int MAX_ORDER_BYTES = 1024 * 1024;

    private WarmStart() {}

    /** What the data plane asked for, and when it arrived. */
    public record Order(String[] args, Map<String, String> environment, long receivedNanos) {
        long millisSinceReceived() {
            return (System.nanoTime() - receivedNanos) / 1_000_000;
        }
    }

    /**
     * Runs the runtime once on a service of its own ({@link WarmUpMain#train()}), then stops that server
     * and waits until it has: classes loaded and the call path compiled, and nothing of it left running
     * beside the service's server.
     */
    static void train() {
        try {
            RuntimeServer trainer = WarmUpMain.train();
            trainer.stop();
            trainer.awaitTermination();
        } catch (IOException e) {
            throw new StartFailure("warm runtime: cannot start its training server: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartFailure("warm runtime: interrupted while training");
        }
    }

    /**
     * Blocks for the order and applies its environment.
     *
     * @throws StartFailure when standard input ends first or the order is not what the data plane sends
     */
    static Order awaitOrder(InputStream in) {
        JsonMapper json = JsonMapper.builder().build();
        parse(json, "{\"args\": [], \"environment\": {}}".getBytes(StandardCharsets.UTF_8), 0); // loaded ahead
        System.out.println(READY_LINE);
        System.out.flush();
        byte[] line = readLine(in);
        long received = System.nanoTime();
        Order order = parse(json, line, received);
        replaceEnvironment(order.environment());
        return order;
    }

    private static byte[] readLine(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new StartFailure("warm runtime: standard input ended before the data plane named the service"
                            + " (expected one line of JSON)");
                }
                if (line.size() >= MAX_ORDER_BYTES) {
                    throw new StartFailure("warm runtime: the order is over " + MAX_ORDER_BYTES + " bytes");
                }
                line.write(b);
            }
        } catch (IOException e) {
            throw new StartFailure("warm runtime: cannot read standard input: " + e.getMessage());
        }
        return line.toByteArray();
    }

    static Order parse(JsonMapper json, byte[] line, long receivedNanos) {
        JsonNode root;
        try {
            root = json.readTree(line);
        } catch (IOException e) {
            throw new StartFailure("warm runtime: the order is not JSON: " + e.getMessage());
        }
        JsonNode args = root == null ? null : root.get("args");
        JsonNode environment = root == null ? null : root.get("environment");
        if (args == null || !args.isArray() || environment == null || !environment.isObject()) {
            throw new StartFailure("warm runtime: the order " + new String(line, StandardCharsets.UTF_8)
                    + " lacks args (an array) or environment (an object)");
        }
        List<String> argv = new ArrayList<>();
        args.forEach(arg -> argv.add(arg.asText()));
        Map<String, String> env = new LinkedHashMap<>();
        environment
                .properties()
                .forEach(entry -> env.put(entry.getKey(), entry.getValue().asText()));
        return new Order(argv.toArray(String[]::new), env, receivedNanos);
    }

    /**
     * Makes {@code environment} the process's environment: the map behind {@code System.getenv()} is
     * the one {@code ProcessBuilder} copies for child processes too.
     */
    static void replaceEnvironment(Map<String, String> environment) {
        Map<String, String> live = modifiable(System.getenv());
        live.clear();
        live.putAll(environment);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> modifiable(Map<String, String> unmodifiable) {
        try {
            Field inner = unmodifiable.getClass().getDeclaredField("m");
            inner.setAccessible(true);
            return (Map<String, String>) inner.get(unmodifiable);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new StartFailure("warm runtime: cannot set the environment (" + e
                    + "); the JVM needs --add-opens java.base/java.util=ALL-UNNAMED");
        }
    }
}
