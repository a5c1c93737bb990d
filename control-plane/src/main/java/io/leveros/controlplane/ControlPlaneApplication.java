package io.leveros.controlplane;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts the Lever control plane: REST API on {@code server.port}, routing push on {@code spring.grpc.server.port}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ControlPlaneApplication {
    public static void main(String[] args) {
        SpringApplication.run(ControlPlaneApplication.class, args);
    }
}
