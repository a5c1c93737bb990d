package io.leveros.controlplane.api;

import static io.leveros.controlplane.testing.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leveros.controlplane.archive.ArchiveExtractor;
import io.leveros.controlplane.security.AccessToken;
import io.leveros.controlplane.testing.Api;
import io.leveros.controlplane.testing.DataDirs;
import io.leveros.controlplane.testing.TarGz;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code lever.deploy.max-concurrent}: one more upload than allowed waits, then gets 503 with Retry-After. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.grpc.server.port=0", "lever.deploy.max-concurrent=1", "lever.deploy.max-wait=300ms"})
class DeployBusyIntegrationTest {
    static final Path DATA_DIR = DataDirs.create(DeployBusyIntegrationTest.class);

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("lever.data-dir", DATA_DIR::toString);
    }

    @AfterAll
    static void removeDataDir() {
        ArchiveExtractor.deleteQuietly(DATA_DIR);
    }

    @LocalServerPort
    int port;

    @Autowired
    AccessToken token;

    @Test
    void anUploadPastTheBoundIsAnswered503WithRetryAfterUntilASlotFrees() throws IOException {
        Api api = new Api(port, token.value());
        byte[] archive = TarGz.service("helloService");
        try (Socket slow = new Socket("127.0.0.1", port)) {
            // Half an archive, then nothing: its extraction holds the only slot.
            OutputStream out = slow.getOutputStream();
            out.write(("POST /api/v1/environments/dev.lever/deployments HTTP/1.1\r\nHost: localhost\r\n"
                            + "Authorization: Bearer " + token.value() + "\r\nContent-Type: application/gzip\r\n"
                            + "Content-Length: " + archive.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(Arrays.copyOf(archive, archive.length / 2));
            out.flush();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HttpResponse<String> busy = api.deploy("dev.lever", archive);
                assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
                assertThat(json(busy).get("code").asString()).isEqualTo("DEPLOY_BUSY");
                assertThat(json(busy).get("message").asString())
                        .contains("already extracting 1 deploys and none finished within 300 ms");
                assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
            });
        }

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(api.deploy("dev.lever", archive).statusCode())
                        .isEqualTo(201));
    }
}
