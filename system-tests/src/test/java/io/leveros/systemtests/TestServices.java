package io.leveros.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** The service folders the tests deploy. */
public final class TestServices {
    static final Path JAVA_TEST_SERVICE = LeverPlatform.HOME.resolve("system-tests/services/java");
    static final Path JAVA_HELLO = LeverPlatform.HOME.resolve("examples/java-hello");
    static final Path NODE_TEST_SERVICE = LeverPlatform.HOME.resolve("system-tests/services/node");
    static final Path NODE_HELLO = LeverPlatform.HOME.resolve("examples/helloServiceJS");
    static final Path JAVA_CHAT = LeverPlatform.HOME.resolve("examples/java-chat");
    static final Path NODE_CHAT = LeverPlatform.HOME.resolve("examples/node-chat");

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestServices() {}

    /**
     * A copy of the Java test service's compiled classes with another lever.json, e.g. to deploy
     * it under a second name or with other settings.
     */
    public static Path javaTestServiceWith(Path parent, String leverJson) {
        try {
            Path folder = Files.createTempDirectory(parent, "service-");
            copyTree(JAVA_TEST_SERVICE.resolve("target/classes"), folder.resolve("classes"));
            Files.deleteIfExists(folder.resolve("classes/lever.json"));
            Files.writeString(folder.resolve("lever.json"), leverJson);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the Node test service with another lever.json. */
    static Path nodeTestServiceWith(Path parent, String leverJson) {
        try {
            Path folder = Files.createTempDirectory(parent, "service-");
            Files.copy(NODE_TEST_SERVICE.resolve("server.js"), folder.resolve("server.js"));
            Files.writeString(folder.resolve("lever.json"), leverJson);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A copy of a service folder (its build output included) whose lever.json has {@code field} set
     * to {@code value}, e.g. to deploy an example with more instances.
     */
    static Path copyWith(Path service, Path parent, String field, int value) {
        try {
            Path folder = Files.createTempDirectory(parent, "service-");
            copyTree(service, folder);
            ObjectNode leverJson =
                    (ObjectNode) JSON.readTree(folder.resolve("lever.json").toFile());
            leverJson.put(field, value);
            JSON.writeValue(folder.resolve("lever.json").toFile(), leverJson);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
