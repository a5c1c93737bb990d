package io.leveros.cli.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceTemplateTest {
    @TempDir
    Path temp;

    @Test
    void namesBecomeJavaClassesAndPackages() {
        assertThat(ServiceTemplate.className("hello-world.svc")).isEqualTo("HelloWorldSvc");
        assertThat(ServiceTemplate.className("helloService")).isEqualTo("HelloService");
        assertThat(ServiceTemplate.className("42-things")).isEqualTo("Service42Things");
        assertThat(ServiceTemplate.packageName("hello-world.svc")).isEqualTo("example.helloworldsvc");
        assertThat(ServiceTemplate.packageName("42-things")).isEqualTo("example.s42things");
        assertThat(ServiceTemplate.packageName("new")).as("a keyword").isEqualTo("example.snew");
    }

    @Test
    void everyPlaceholderIsFilled() throws Exception {
        Path home = Files.createDirectories(temp.resolve("home/.mvn/wrapper"))
                .getParent()
                .getParent();
        Files.writeString(home.resolve("mvnw"), "#!/bin/sh\n");
        Files.writeString(home.resolve(".mvn/wrapper/maven-wrapper.properties"), "wrapperVersion=3.3.4\n");
        for (ServiceTemplate template : ServiceTemplate.values()) {
            Path folder = temp.resolve(template.name());
            for (Path file : template.write("my-svc", folder, "9.9.9", home)) {
                assertThat(Files.readString(folder.resolve(file)))
                        .as(file.toString())
                        .doesNotContain("__");
            }
        }
        assertThat(Files.readString(temp.resolve("JAVA/pom.xml"))).contains("<version>9.9.9</version>");
        assertThat(temp.resolve("JAVA/src/main/java/example/mysvc/MySvc.java")).exists();
        assertThat(Files.isExecutable(temp.resolve("JAVA/mvnw"))).isTrue();
    }

    @Test
    void theJavaSkeletonTestsWithThePlatformsOwnJunit() throws Exception {
        assertThat(Files.readString(Path.of("../pom.xml")))
                .contains("<junit.version>" + ServiceTemplate.JUNIT_VERSION + "</junit.version>");
    }

    @Test
    void aNameThatLeverJsonRefusesIsRefusedFirst() {
        assertThatThrownBy(() -> ServiceTemplate.check("ab", temp.resolve("x")))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("'ab' is not a service name");
        assertThat(temp.resolve("x")).doesNotExist();
    }
}
