package io.leveros.dataplane.bench;

import com.sun.net.httpserver.HttpServer;
import io.leveros.core.url.LeverUrl;
import io.leveros.dataplane.ingress.CallPath;
import io.leveros.dataplane.ingress.ContentKind;
import io.leveros.dataplane.metrics.CallMetrics;
import io.leveros.dataplane.metrics.DataPlaneMetrics;
import io.leveros.dataplane.metrics.DurationHistogram;
import io.leveros.dataplane.routing.EnvironmentResolver;
import io.leveros.dataplane.routing.RouteResolver;
import io.leveros.dataplane.routing.RoutingTable;
import io.leveros.dataplane.routing.ServiceRoute;
import io.leveros.dataplane.tracing.TraceContext;
import io.leveros.dataplane.tracing.Tracer;
import io.leveros.proto.control.Environment;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.Service;
import io.leveros.proto.control.ServiceVersion;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request path's CPU work before forwarding: path → URL, environment resolution, route lookup
 * (200 services in 5 environments), JSON body → {@code core.RPC}; and counting the answered call in
 * the metrics (its own histogram next to a Micrometer timer). Run (not part of {@code mvn
 * test}); see docs/data-plane.md:
 *
 * <pre>
 * cd data-plane && java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
 *     org.openjdk.jmh.Main HotPathBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmark {
    RoutingTable table;
    Buffer body;
    CallMetrics.Recorder calls;
    Timer timer;
    final DurationHistogram histogram = new DurationHistogram();
    final MultiMap headers = MultiMap.caseInsensitiveMultiMap()
            .add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    final MultiMap noTraceHeaders = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
    ServiceRoute hello;
    /** Exporting to {@link #collector}, which reads and drops every batch. */
    Tracer exporting;

    HttpServer collector;

    long latency;

    @Setup
    public void setup() {
        RoutingSnapshot.Builder snapshot =
                RoutingSnapshot.newBuilder().setRevision(1).setDefaultEnvironment("dev.lever");
        for (String env : new String[] {"dev.lever", "staging.lever", "a.lever", "b.lever", "c.lever"}) {
            Environment.Builder environment = Environment.newBuilder().setName(env);
            for (int i = 0; i < 40; i++) {
                environment.addServices(Service.newBuilder()
                        .setName(i == 0 ? "helloService" : "service" + i)
                        .setLive(ServiceVersion.newBuilder().setVersion(3)));
            }
            snapshot.addEnvironments(environment);
        }
        table = RoutingTable.compile(snapshot.build(), "local");
        body = Buffer.buffer("[\"world\", 42, {\"nested\": [true, null, 1.5]}]");
        calls = new DataPlaneMetrics(List::of, 100).calls().recorder("public");
        hello = RouteResolver.resolve(table, "dev.lever", "helloService", "", false);
        try {
            collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        collector.createContext("/v1/traces", exchange -> {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        exporting = Tracer.exportingTo(
                URI.create("http://127.0.0.1:" + collector.getAddress().getPort()), "bench");
        timer = Timer.builder("bench.timer")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofSeconds(60))
                .register(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @TearDown
    public void tearDown() {
        exporting.close();
        collector.stop(0);
    }

    /** Tracing off, the usual call: no traceparent, one header lookup. */
    @Benchmark
    public TraceContext traceOffWithoutContext() {
        TraceContext trace = Tracer.OFF.begin(TraceContext.of(noTraceHeaders));
        Tracer.OFF.end(trace, "public", hello, "sayHello", 200, 1_000_000);
        return trace;
    }

    /** Tracing off, a call with a traceparent: read, checked and passed on. */
    @Benchmark
    public TraceContext traceOffWithContext() {
        TraceContext trace = Tracer.OFF.begin(TraceContext.of(headers));
        Tracer.OFF.end(trace, "public", hello, "sayHello", 200, 1_000_000);
        return trace;
    }

    /**
     * Tracing on: the same plus a span begun (ids), ended and queued for the exporter, whose thread
     * (encoding and sending batches to a local collector) competes for the same cores meanwhile.
     */
    @Benchmark
    public TraceContext traceOnWithContext() {
        TraceContext trace = exporting.begin(TraceContext.of(headers));
        exporting.end(trace, "public", hello, "sayHello", 200, 1_000_000);
        return trace;
    }

    @Benchmark
    public ServiceRoute routeOnly() {
        LeverUrl url = CallPath.parse("/helloService/sayHello");
        String env = EnvironmentResolver.forHttp(table, null, "127.0.0.1:8080", null);
        return RouteResolver.resolve(table, env, url.service(), url.resource(), false);
    }

    @Benchmark
    public Buffer routeAndJsonBody() {
        LeverUrl url = CallPath.parse("/helloService/sayHello");
        String env = EnvironmentResolver.forHttp(table, "staging.lever", "127.0.0.1:8080", null);
        ServiceRoute route = RouteResolver.resolve(table, env, url.service(), url.resource(), false);
        ContentKind kind = ContentKind.of("application/json; charset=utf-8");
        return route == null ? null : kind.toRpc(body);
    }

    /** Counting one answered call in its latency histogram (an existing series). */
    @Benchmark
    public void recordCall() {
        latency = (latency + 7_919_000) % 100_000_000; // latencies spread over the buckets
        calls.record("dev.lever", "helloService", 3, "sayHello", 200, latency);
    }

    /** What {@link #recordCall}'s histogram would cost as a Micrometer Prometheus timer (not used: 6× as much). */
    @Benchmark
    public void micrometerTimerOnly() {
        latency = (latency + 7_919_000) % 100_000_000;
        timer.record(latency, TimeUnit.NANOSECONDS);
    }

    /** The histogram {@link #recordCall} records into: the data plane's own, read by Micrometer's registry. */
    @Benchmark
    public void histogramOnly() {
        latency = (latency + 7_919_000) % 100_000_000;
        histogram.record(latency);
    }
}
