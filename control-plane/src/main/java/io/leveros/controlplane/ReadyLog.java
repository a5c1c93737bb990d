package io.leveros.controlplane;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;
import org.springframework.stereotype.Component;

/** Logs one line when the control plane serves: its ports, data dir and start time. */
@Component
@Lazy(false)
class ReadyLog {
    private static final Logger log = LoggerFactory.getLogger(ReadyLog.class);

    private final LeverProperties properties;
    private volatile int restPort = -1;
    private volatile int grpcPort = -1;

    ReadyLog(LeverProperties properties) {
        this.properties = properties;
    }

    @EventListener
    void webServer(WebServerInitializedEvent event) {
        restPort = event.getWebServer().getPort();
    }

    @EventListener
    void grpcServer(GrpcServerStartedEvent event) {
        grpcPort = event.getPort();
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        long sinceJvmStart = ProcessHandle.current()
                .info()
                .startInstant()
                .map(start -> Duration.between(start, Instant.now()).toMillis())
                .orElse(-1L);
        log.info(
                "Lever control plane ready: REST on port {}, gRPC on port {}, data dir {} (ready in {} ms, {} ms "
                        + "after JVM start)",
                restPort,
                grpcPort,
                properties.dataDir(),
                event.getTimeTaken() == null ? -1 : event.getTimeTaken().toMillis(),
                sinceJvmStart);
    }
}
