package io.leveros.systemtests;

import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/** The runtime contract, clause by clause, with instances as processes ({@code lever up}'s default). */
class RuntimeConformanceIT extends RuntimeConformanceTests {
    @BeforeAll
    static void deployBothRuntimes() throws IOException {
        deployBothRuntimesOn(LeverPlatform.start("conformance"));
    }
}
