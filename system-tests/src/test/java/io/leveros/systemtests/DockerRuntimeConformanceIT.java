package io.leveros.systemtests;

import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/**
 * The runtime contract, clause by clause, with every instance in a Docker container ({@code lever up
 * --runtime docker}): the same tests as {@link RuntimeConformanceIT}, against the runtime images.
 */
class DockerRuntimeConformanceIT extends RuntimeConformanceTests {
    @BeforeAll
    static void deployBothRuntimes() throws IOException {
        String tag = DockerImages.runtimeImages();
        deployBothRuntimesOn(LeverPlatform.start("conformance-docker", "--runtime", "docker", "--image-tag", tag));
    }
}
