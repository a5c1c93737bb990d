package io.leveros.controlplane;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts the Lever control plane: REST API on {@code server.port}, routing push on {@code spring.grpc.server.port}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ControlPlaneApplication {
    public static void main(String[] args) {
        List<String> springArgs;
        try {
            springArgs = withLogFormat(args);
        } catch (IllegalArgumentException e) {
            System.err.println("lever control plane: " + e.getMessage());
            System.exit(2);
            return;
        }
        SpringApplication.run(ControlPlaneApplication.class, springArgs.toArray(String[]::new));
    }

    /**
     * The arguments with {@code --log-format=text|json} (as the data plane takes it) turned into
     * Spring Boot's: {@code json} is its structured logging in the Elastic Common Schema shape, one
     * JSON object a line.
     */
    static List<String> withLogFormat(String[] args) {
        List<String> springArgs = new ArrayList<>();
        for (String arg : args) {
            if (!arg.startsWith("--log-format=")) {
                springArgs.add(arg);
                continue;
            }
            switch (arg.substring("--log-format=".length())) {
                case "text" -> {}
                case "json" -> springArgs.add("--logging.structured.format.console=ecs");
                default ->
                    throw new IllegalArgumentException(
                            arg + " is not a log format (expected: --log-format=text or --log-format=json)");
            }
        }
        return springArgs;
    }
}
