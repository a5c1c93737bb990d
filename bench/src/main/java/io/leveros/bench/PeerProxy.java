package io.leveros.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A peer proxy (nginx {@code grpc_pass}, HAProxy in h2c mode) run in front of one instance, to compare
 * with the data plane: a child process on a free loopback port, with a configuration written to its
 * own folder, stopped by {@link #close()}. Both are set up for a long-lived gRPC load: nginx keeps
 * its upstream connections ({@code keepalive}: its gRPC proxy sends one stream per upstream
 * connection) and lets a connection carry more than its default 1,000 requests ({@code
 * keepalive_requests}, in the upstream and, since nginx 1.19.7, for an HTTP/2 client connection)
 * and takes a request body of any size ({@code client_max_body_size 0}: a gRPC stream is one
 * request body, which nginx otherwise cuts at 1 MB);
 * HAProxy speaks HTTP/2 without TLS on both sides ({@code proto h2}) with one thread.
 */
final class PeerProxy implements AutoCloseable {
    static final String INSTALL = "apt-get install nginx haproxy " + H2Load.PACKAGE;
    private static final Pattern NGINX_VERSION = Pattern.compile("nginx/(\\d+)\\.(\\d+)\\.(\\d+)");

    final String name;
    final int port;
    final String version;
    private final Process process;

    private PeerProxy(String name, int port, String version, Process process) {
        this.name = name;
        this.port = port;
        this.version = version;
        this.process = process;
    }

    /** nginx with {@code grpc_pass} to the instance on {@code upstreamPort}, one worker; empty when not installed. */
    static Optional<PeerProxy> nginx(Path folder, int upstreamPort) throws Exception {
        Optional<Path> binary = Binaries.find("nginx");
        if (binary.isEmpty()) {
            return Optional.empty();
        }
        Path prefix = Files.createDirectories(folder.resolve("nginx"));
        int port = BenchPlatform.freePort();
        // `listen ... http2` is how nginx before 1.25.1 turns on HTTP/2 without TLS; later ones warn
        // about it and want `http2 on;`
        String version = Binaries.version(binary.get(), "-v");
        String listen = Arrays.compare(nginxVersion(version), new int[] {1, 25, 1}) >= 0
                ? "listen 127.0.0.1:" + port + "; http2 on;"
                : "listen 127.0.0.1:" + port + " http2;";
        String config = """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    upstream lever_instance {
                        server 127.0.0.1:%2$d;
                        keepalive 16;
                        keepalive_requests 1000000;
                        keepalive_timeout 300s;
                    }
                    server {
                        %3$s
                        keepalive_requests 1000000;
                        keepalive_timeout 300s;
                        client_max_body_size 0;
                        location / {
                            grpc_pass grpc://lever_instance;
                        }
                    }
                }
                """.formatted(prefix, upstreamPort, listen);
        Path conf = Files.writeString(prefix.resolve("nginx.conf"), config);
        return Optional.of(start(
                "nginx grpc_pass",
                port,
                version,
                List.of(binary.get().toString(), "-p", prefix.toString(), "-c", conf.toString()),
                prefix.resolve("error.log")));
    }

    /** HAProxy with HTTP/2 without TLS on both sides and one thread; empty when not installed. */
    static Optional<PeerProxy> haproxy(Path folder, int upstreamPort) throws Exception {
        Optional<Path> binary = Binaries.find("haproxy");
        if (binary.isEmpty()) {
            return Optional.empty();
        }
        Path prefix = Files.createDirectories(folder.resolve("haproxy"));
        int port = BenchPlatform.freePort();
        String config = """
                global
                    nbthread 1
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 300s
                    timeout server 300s
                frontend lever_front
                    bind 127.0.0.1:%d proto h2
                    default_backend lever_instance
                backend lever_instance
                    server instance 127.0.0.1:%d proto h2
                """.formatted(port, upstreamPort);
        Path conf = Files.writeString(prefix.resolve("haproxy.cfg"), config);
        Path log = prefix.resolve("haproxy.log");
        return Optional.of(start(
                "HAProxy (h2c, 1 thread)",
                port,
                Binaries.version(binary.get(), "-v"),
                List.of(binary.get().toString(), "-db", "-f", conf.toString()),
                log));
    }

    private static PeerProxy start(String name, int port, String version, List<String> command, Path log)
            throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        PeerProxy proxy = new PeerProxy(name, port, version, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!BenchPlatform.accepts(port)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                proxy.close();
                throw new IllegalStateException(name + " (" + String.join(" ", command) + ") did not open port " + port
                        + "; see " + log + ":\n" + (Files.exists(log) ? Files.readString(log) : ""));
            }
            Thread.sleep(10);
        }
        return proxy;
    }

    /** CPU time of the proxy's processes (nginx: the master and its workers), in nanoseconds. */
    long cpuNanos() {
        long nanos = JvmProbe.cpuNanos(process.pid());
        for (ProcessHandle child : process.descendants().toList()) {
            nanos += JvmProbe.cpuNanos(child.pid());
        }
        return nanos;
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        all.forEach(ProcessHandle::destroy);
    }

    /** {@code [1, 22, 1]} from {@code nginx -v}'s "nginx version: nginx/1.22.1". */
    private static int[] nginxVersion(String versionLine) {
        Matcher version = NGINX_VERSION.matcher(versionLine);
        if (!version.find()) {
            throw new IllegalStateException("nginx -v answered no version (expected: nginx/X.Y.Z): " + versionLine);
        }
        return new int[] {
            Integer.parseInt(version.group(1)), Integer.parseInt(version.group(2)), Integer.parseInt(version.group(3))
        };
    }
}
