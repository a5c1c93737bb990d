package io.leveros.core.javaservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceClassPathTest {
    @TempDir
    Path dir;

    @Test
    void findsClassDirectoriesThenJarsInContractOrder() throws IOException {
        for (String folder :
                new String[] {"build/classes/java/main", "target/classes", "classes", "lib", "build/libs"}) {
            Files.createDirectories(dir.resolve(folder));
        }
        for (String jar :
                new String[] {"b.jar", "a.jar", "lib/z.jar", "lib/y.jar", "target/app.jar", "build/libs/g.jar"}) {
            Files.writeString(dir.resolve(jar), "");
        }
        Files.writeString(dir.resolve("lib/notes.txt"), "not a jar");
        Files.createDirectories(dir.resolve("lib/nested"));
        Files.writeString(dir.resolve("lib/nested/deep.jar"), "");

        ServiceClassPath classPath = ServiceClassPath.in(dir);

        assertThat(classPath.entries().stream()
                        .map(p -> dir.relativize(p).toString().replace('\\', '/')))
                .containsExactly(
                        "classes",
                        "target/classes",
                        "build/classes/java/main",
                        "a.jar",
                        "b.jar",
                        "lib/y.jar",
                        "lib/z.jar",
                        "target/app.jar",
                        "build/libs/g.jar");
        assertThat(classPath.urls()).hasSize(9);
    }

    @Test
    void emptyFolder() {
        ServiceClassPath classPath = ServiceClassPath.in(dir);
        assertThat(classPath.entries()).isEmpty();
        assertThat(classPath.describeEntries()).isEqualTo("none of them exists");
    }

    @Test
    void describesWhatItSearches() {
        assertThat(ServiceClassPath.searchedPlaces())
                .isEqualTo("classes/, target/classes/, build/classes/java/main/, *.jar, lib/*.jar, target/*.jar,"
                        + " build/libs/*.jar");
    }
}
