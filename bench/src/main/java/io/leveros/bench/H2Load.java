package io.leveros.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nghttp2's {@code h2load} sending one call over and over — a unary gRPC call over HTTP/2, or an HTTP
 * API call over HTTP/1.1 ({@code --h1}): the same request body file and headers on every path, on
 * {@code connections} with {@code streams} concurrent streams each (HTTP/1.1: requests pipelined), for
 * a duration, either as fast as the server answers or paced at a rate. Its summary is parsed and
 * checked: every call must have completed with a 2xx and carried a reply of at least the expected size
 * (a gRPC error is a 200 with trailers only, so its body is empty).
 */
final class H2Load {
    static final String PACKAGE = "nghttp2-client";
    private static final Pattern REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored,"
                    + " (\\d+) timeout");
    private static final Pattern STATUS =
            Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");
    private static final Pattern DATA_BYTES = Pattern.compile("\\((\\d+)\\) data");
    private static final Pattern FINISHED = Pattern.compile("finished in ([0-9.]+)(m?s), ([0-9.]+) req/s");

    private final Path binary;
    private final List<String> protocol;
    private final Path body;
    private final List<String> headers;
    private final String path;
    private final int replyBytes;

    /**
     * @param protocol h2load's options for the protocol: none for HTTP/2 without TLS, {@code --h1} for HTTP/1.1
     * @param body the request body (the file {@code h2load -d} sends, which makes it a POST)
     * @param headers {@code name: value} lines sent with every call
     * @param path the request's {@code :path}
     * @param replyBytes the size of one reply (a gRPC reply: with its frame): every call's body must have this
     */
    H2Load(Path binary, List<String> protocol, Path body, List<String> headers, String path, int replyBytes) {
        this.binary = binary;
        this.protocol = protocol;
        this.body = body;
        this.headers = headers;
        this.path = path;
        this.replyBytes = replyBytes;
    }

    /** {@code h2load} on the PATH (or in /usr/bin), or a failure that names the package to install. */
    static Path find() {
        return Binaries.find("h2load")
                .orElseThrow(() -> new IllegalStateException(
                        "h2load (nghttp2's HTTP/2 load generator) is not installed: it is in Debian's package "
                                + PACKAGE + " (apt-get install " + PACKAGE + ")"));
    }

    /** What one run measured: calls completed, their rate, and (paced runs) each call's time. */
    record Result(long calls, double seconds, double rate, long[] latenciesMicros) {
        double p50Millis() {
            return latenciesMicros[latenciesMicros.length / 2] / 1e3;
        }
    }

    /** As many calls as the server answers on {@code connections}, each with {@code streams} in flight. */
    Result flat(int port, int connections, int streams, int seconds) throws IOException, InterruptedException {
        return run(port, connections, streams, seconds, List.of(), null);
    }

    /** {@code rate} calls a second on one connection (at most {@code streams} in flight), each call's time kept. */
    Result paced(int port, int streams, int rate, int seconds, Path folder) throws IOException, InterruptedException {
        Path log = Files.createTempFile(folder, "h2load-", ".log");
        try {
            return run(port, 1, streams, seconds, List.of("--rps=" + rate, "--log-file=" + log), log);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private Result run(int port, int connections, int streams, int seconds, List<String> options, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--clients=" + connections,
                "--threads=1",
                "--max-concurrent-streams=" + streams,
                "--duration=" + seconds,
                "--data=" + body));
        command.addAll(protocol);
        for (String header : headers) {
            command.add("--header=" + header);
        }
        command.addAll(options);
        command.add("http://127.0.0.1:" + port + path);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        String where = "h2load to port " + port + " (" + String.join(" ", command) + ")";
        Matcher requests = REQUESTS.matcher(output);
        Matcher status = STATUS.matcher(output);
        Matcher data = DATA_BYTES.matcher(output);
        Matcher finished = FINISHED.matcher(output);
        if (exit != 0 || !requests.find() || !status.find() || !data.find() || !finished.find()) {
            throw new IllegalStateException(where + " exited " + exit + " without its summary:\n" + output);
        }
        long done = Long.parseLong(requests.group(3));
        long succeeded = Long.parseLong(requests.group(4));
        long failed = Long.parseLong(requests.group(5))
                + Long.parseLong(requests.group(6))
                + Long.parseLong(requests.group(7));
        // a call still open when the time is up may have had its headers (counted) but not its end
        long status2xx = Long.parseLong(status.group(1));
        long otherStatus =
                Long.parseLong(status.group(2)) + Long.parseLong(status.group(3)) + Long.parseLong(status.group(4));
        long dataBytes = Long.parseLong(data.group(1));
        if (succeeded == 0 || failed != 0 || succeeded != done || status2xx < succeeded || otherStatus != 0) {
            throw new IllegalStateException(where + ": " + succeeded + " of " + done + " calls succeeded, " + failed
                    + " failed, " + status2xx + " answered 2xx and " + otherStatus
                    + " another status (expected: all succeeded with a 2xx, none failed):\n" + output);
        }
        if (dataBytes < succeeded * replyBytes) {
            throw new IllegalStateException(where + ": " + dataBytes + " bytes of replies for " + succeeded
                    + " calls (expected: at least " + replyBytes + " a call; fewer means some were gRPC errors,"
                    + " which come as a 200 with trailers only):\n" + output);
        }
        double elapsed =
                Double.parseDouble(finished.group(1)) / (finished.group(2).equals("ms") ? 1e3 : 1);
        long[] latencies = log == null ? new long[0] : latencies(log);
        return new Result(succeeded, elapsed, Double.parseDouble(finished.group(3)), latencies);
    }

    /** The third column of h2load's {@code --log-file}: microseconds until the end of each response, sorted. */
    private static long[] latencies(Path log) throws IOException {
        long[] micros = Files.readAllLines(log).stream()
                .map(line -> line.split("\t"))
                .filter(columns -> columns.length >= 3)
                .mapToLong(columns -> Long.parseLong(columns[2].trim()))
                .toArray();
        if (micros.length == 0) {
            throw new IllegalStateException("h2load's --log-file " + log + " has no calls");
        }
        Arrays.sort(micros);
        return micros;
    }
}
