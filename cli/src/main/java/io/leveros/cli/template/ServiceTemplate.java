package io.leveros.cli.template;

import io.leveros.cli.CliException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.lang.model.SourceVersion;

/**
 * A ready-to-deploy service folder for one language: {@code lever.json}, the service with a regular
 * and a streaming method, its unit test, a README and a build that works outside Lever's source tree
 * (Java: Maven wrapper and a pom depending on {@code io.leveros:lever-java-api}, {@code provided}).
 * The files are resources under {@code io/leveros/cli/template/<language>/} with {@code __NAME__},
 * {@code __CLASS__}, {@code __PACKAGE__}, {@code __ARTIFACT__}, {@code __LEVER_VERSION__} and {@code
 * __JUNIT_VERSION__} in them.
 */
public enum ServiceTemplate {
    JAVA(
            "Java",
            List.of(
                    "lever.json",
                    "pom.xml",
                    "README.md",
                    "gitignore",
                    "src/main/java/Service.java",
                    "src/test/java/ServiceTest.java")),
    NODE("Node.js", List.of("lever.json", "package.json", "README.md", "server.js", "test/server.test.js"));

    /** The JUnit the Java skeleton's test uses: the platform's own, so a machine that built Lever has it. */
    public static final String JUNIT_VERSION = "6.0.3";

    /** lever.json's rule for a service name. */
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,254}");

    private final String language;
    private final List<String> files;

    ServiceTemplate(String language, List<String> files) {
        this.language = language;
        this.files = files;
    }

    /** The language's name for messages: "Java", "Node.js". */
    public String language() {
        return language;
    }

    /**
     * Writes the skeleton of service {@code name} into {@code folder} (made; must not exist or be empty).
     *
     * @param leverVersion the platform version the Java build depends on
     * @param home Lever's installation, whose Maven wrapper the Java skeleton gets
     * @return the files written, relative to {@code folder}
     * @throws CliException naming what is wrong with the name or the folder
     */
    public List<Path> write(String name, Path folder, String leverVersion, Path home) {
        check(name, folder);
        String className = className(name);
        String packageName = packageName(name);
        Map<String, String> values = Map.of(
                "__NAME__", name,
                "__CLASS__", className,
                "__PACKAGE__", packageName,
                "__ARTIFACT__", name.toLowerCase(Locale.ROOT),
                "__LEVER_VERSION__", leverVersion,
                "__JUNIT_VERSION__", JUNIT_VERSION);
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(folder);
            for (String file : files) {
                Path target = folder.resolve(targetPath(file, className, packageName));
                Files.createDirectories(target.getParent());
                Files.writeString(target, fill(read(file), values));
                written.add(folder.relativize(target));
            }
            if (this == JAVA) {
                written.add(folder.relativize(copy(home.resolve("mvnw"), folder.resolve("mvnw"))));
                written.add(folder.relativize(copy(
                        home.resolve(".mvn/wrapper/maven-wrapper.properties"),
                        folder.resolve(".mvn/wrapper/maven-wrapper.properties"))));
                Files.setPosixFilePermissions(folder.resolve("mvnw"), PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new CliException("cannot write the service into " + folder + ": " + e);
        }
        return written;
    }

    /** {@code hello-world.svc} → {@code HelloWorldSvc}; a name that starts with a digit gets {@code Service} before it. */
    static String className(String name) {
        StringBuilder className = new StringBuilder();
        for (String word : name.split("[^A-Za-z0-9]+")) {
            if (!word.isEmpty()) {
                className.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return Character.isDigit(className.charAt(0)) ? "Service" + className : className.toString();
    }

    /** {@code hello-world.svc} → {@code example.helloworldsvc}; never a Java keyword or a leading digit. */
    static String packageName(String name) {
        String word = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        String packageName = "example." + word;
        return SourceVersion.isName(packageName) ? packageName : "example.s" + word;
    }

    private String targetPath(String file, String className, String packageName) {
        String folderOfPackage = packageName.replace('.', '/');
        return switch (file) {
            case "gitignore" -> ".gitignore";
            case "src/main/java/Service.java" -> "src/main/java/" + folderOfPackage + "/" + className + ".java";
            case "src/test/java/ServiceTest.java" -> "src/test/java/" + folderOfPackage + "/" + className + "Test.java";
            default -> file;
        };
    }

    private String read(String file) throws IOException {
        String resource = "/io/leveros/cli/template/" + name().toLowerCase(Locale.ROOT) + "/" + file;
        try (InputStream in = ServiceTemplate.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the CLI has no template file " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String fill(String text, Map<String, String> values) {
        String filled = text;
        for (Map.Entry<String, String> value : values.entrySet()) {
            filled = filled.replace(value.getKey(), value.getValue());
        }
        return filled;
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
        return to;
    }

    /**
     * Whether {@code name} and {@code folder} can be written, before anything is.
     *
     * @throws CliException saying what is wrong and what was expected
     */
    public static void check(String name, Path folder) {
        checkName(name);
        checkEmpty(folder);
    }

    private static void checkName(String name) {
        if (!SERVICE_NAME.matcher(name).matches()) {
            throw new CliException("'" + name + "' is not a service name (expected: 3 to 255 letters, digits, '.',"
                    + " '_' or '-', starting with a letter or digit, e.g. helloService or hello-world)");
        }
    }

    private static void checkEmpty(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        if (!Files.isDirectory(folder)) {
            throw new CliException(folder + " is a file, not a folder: choose another folder for the service");
        }
        try (Stream<Path> entries = Files.list(folder)) {
            if (entries.findAny().isPresent()) {
                throw new CliException(folder + " is not empty: choose another folder, or remove what is in it; "
                        + "nothing was written");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template for {@code --lang}. */
    public static ServiceTemplate forLanguage(String language) {
        return switch (language.toLowerCase(Locale.ROOT)) {
            case "java" -> JAVA;
            case "node", "nodejs", "js" -> NODE;
            default -> throw new CliException("--lang " + language + ": expected java or node");
        };
    }
}
