package io.leveros.systemtests.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Separate hosts on one machine: each a network namespace with its own address, linked by a veth
 * pair to one bridge in the root namespace (where the tests run and reach every host). A host's
 * link can be dropped and brought back ({@link #cut}, {@link #reconnect}), as a switch port or a
 * cable would. Processes run in a host through {@code nsenter --net}, which keeps the machine's
 * mount namespace, so memory cgroups stay usable (unlike {@code ip netns exec}).
 *
 * <p>Names carry a random tag, so two runs on one machine do not meet; {@link #close} removes
 * everything it made.
 */
public final class NetworkHosts implements AutoCloseable {
    private final String tag =
            Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xefff));
    private final String subnet = "10." + (100 + ThreadLocalRandom.current().nextInt(150)) + "."
            + ThreadLocalRandom.current().nextInt(250) + ".";
    private final String bridge = "lvb" + tag;
    private final Map<String, Integer> hosts = new LinkedHashMap<>();

    private NetworkHosts() {}

    /** Makes the bridge; the root namespace (the tests) is {@link #rootAddress()} on it. */
    public static NetworkHosts create() {
        NetworkHosts network = new NetworkHosts();
        network.run("ip", "link", "add", network.bridge, "type", "bridge");
        network.run("ip", "addr", "add", network.rootAddress() + "/24", "dev", network.bridge);
        network.run("ip", "link", "set", network.bridge, "up");
        return network;
    }

    /** Whether this machine lets the tests make namespaces (root, with the {@code ip} tool). */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("ip", "netns", "list")
                    .redirectErrorStream(true)
                    .start();
            return p.waitFor(10, TimeUnit.SECONDS)
                    && p.exitValue() == 0
                    && ProcessHandle.current().info().user().map("root"::equals).orElse(false);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String rootAddress() {
        return subnet + "1";
    }

    /** Adds a host named {@code name} and returns its address. */
    public synchronized String addHost(String name) {
        int index = hosts.size() + 2;
        String namespace = namespace(name);
        String outside = link(index);
        run("ip", "netns", "add", namespace);
        run("ip", "link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", namespace);
        run("ip", "link", "set", outside, "master", bridge);
        run("ip", "link", "set", outside, "up");
        run("ip", "netns", "exec", namespace, "ip", "addr", "add", subnet + index + "/24", "dev", "eth0");
        run("ip", "netns", "exec", namespace, "ip", "link", "set", "eth0", "up");
        run("ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up");
        hosts.put(name, index);
        return subnet + index;
    }

    public String address(String name) {
        return subnet + index(name);
    }

    /** {@code argv} run in host {@code name}. */
    public List<String> command(String name, List<String> argv) {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + namespace(name), "--"));
        command.addAll(argv);
        return command;
    }

    /** Drops the host's link: nothing reaches it and it reaches nothing, its processes keep running. */
    public void cut(String name) {
        run("ip", "link", "set", link(index(name)), "down");
    }

    public void reconnect(String name) {
        run("ip", "link", "set", link(index(name)), "up");
    }

    @Override
    public synchronized void close() {
        for (String name : hosts.keySet()) {
            runQuietly("ip", "link", "del", link(hosts.get(name)));
            runQuietly("ip", "netns", "del", namespace(name));
        }
        hosts.clear();
        runQuietly("ip", "link", "del", bridge);
    }

    private int index(String name) {
        Integer index = hosts.get(name);
        if (index == null) {
            throw new IllegalArgumentException("no host " + name + " (hosts: " + hosts.keySet() + ")");
        }
        return index;
    }

    private String namespace(String name) {
        return "lv" + tag + "-" + name;
    }

    private String link(int index) {
        return "lv" + tag + "h" + index;
    }

    private void run(String... argv) {
        String output = exec(argv);
        if (output != null) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + output);
        }
    }

    private void runQuietly(String... argv) {
        exec(argv);
    }

    /** Null when the command succeeded, else its output. */
    private static String exec(String... argv) {
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "timed out";
            }
            return process.exitValue() == 0 ? null : new String(output, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
