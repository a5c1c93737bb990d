package io.leveros.dataplane.testing;

import io.leveros.dataplane.DataPlane;
import io.leveros.dataplane.DataPlaneOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Starts a real data plane for a test: every port free (0), routes from {@code controlPlane},
 * strict blocked-thread checks, instance output on stdout.
 */
public final class TestDataPlane {
    private TestDataPlane() {}

    /**
     * @param options more data-plane options, e.g. {@code "--node-id", "test"}; without {@code
     *     --warm-runtimes} there are none (instances start cold, as the tests of starts expect)
     */
    public static DataPlane start(FakeControlPlane controlPlane, String... options) throws Exception {
        return start(controlPlane, System.out::println, options);
    }

    /** @param output where the instances' output lines go */
    public static DataPlane start(FakeControlPlane controlPlane, Consumer<String> output, String... options)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--port",
                "0",
                "--gateway-port",
                "0",
                "--forwarding-port",
                "0",
                "--control-plane",
                controlPlane.address(),
                "--node-credential-file",
                controlPlane.credentialFile().toString()));
        if (!List.of(options).contains("--data-dir")) {
            args.addAll(
                    List.of("--data-dir", TemporaryFolders.folder("lever-node-").toString()));
        }
        if (!List.of(options).contains("--warm-runtimes")) {
            args.addAll(List.of("--warm-runtimes", "0"));
        }
        args.addAll(List.of(options));
        return DataPlane.start(
                DataPlaneOptions.parse(args.toArray(String[]::new)), BlockedThreadWatch.strictOptions(), output);
    }
}
