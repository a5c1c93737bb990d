package io.leveros.controlplane.testing;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Lazy;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * The port the control plane's gRPC server took ({@code spring.grpc.server.port=0}) in a test's
 * Spring context: {@code @Import} it, autowire it, and open channels with {@link #channel()}. One per
 * context, so a cached context never hands out another one's port.
 */
@TestConfiguration
@Lazy(false)
public class GrpcServerPort implements ApplicationListener<GrpcServerStartedEvent> {
    private final AtomicInteger port = new AtomicInteger();

    @Override
    public void onApplicationEvent(GrpcServerStartedEvent event) {
        port.set(event.getPort());
    }

    /** A plaintext channel to the gRPC server, once it listens; the caller shuts it down. */
    public ManagedChannel channel() {
        await("the gRPC server listens").atMost(Duration.ofSeconds(10)).until(() -> port.get() > 0);
        return ManagedChannelBuilder.forAddress("127.0.0.1", port.get())
                .usePlaintext()
                .build();
    }
}
