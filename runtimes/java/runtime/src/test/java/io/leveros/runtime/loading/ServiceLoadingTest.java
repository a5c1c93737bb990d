package io.leveros.runtime.loading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leveros.runtime.StartFailure;
import io.leveros.runtime.testservice.SampleService;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service classes are on the test classpath, which is the parent of the service loader. */
class ServiceLoadingTest {
    @TempDir
    Path dir;

    @Test
    void loadsAndInstantiates() {
        LoadedService service = ServiceLoading.load(dir, SampleService.class.getName());
        assertThat(service.type()).isEqualTo(SampleService.class);
        assertThat(service.instance()).isInstanceOf(SampleService.class);
        assertThat(service.classLoader().getParent()).isSameAs(ServiceLoading.class.getClassLoader());
    }

    @Test
    void classNotFoundSaysWhereItLooked() {
        assertThatThrownBy(() -> ServiceLoading.load(dir, "com.example.Missing"))
                .isInstanceOf(StartFailure.class)
                .hasMessage("service class com.example.Missing not found in " + dir
                        + " (looked in classes/, target/classes/, build/classes/java/main/, *.jar, lib/*.jar,"
                        + " target/*.jar, build/libs/*.jar; none of them exists); check javaEntry in lever.json"
                        + " and build the service before deploying it");
    }

    @Test
    void constructorThatThrows() {
        assertThatThrownBy(() -> ServiceLoading.load(dir, "io.leveros.runtime.testservice.CrashingService"))
                .isInstanceOf(StartFailure.class)
                .hasMessageStartingWith("constructor of io.leveros.runtime.testservice.CrashingService threw"
                        + " java.lang.IllegalStateException: crash at start on purpose (at ");
    }

    @Test
    void noNoArgConstructor() {
        assertThatThrownBy(() -> ServiceLoading.load(dir, "io.leveros.runtime.testservice.NoDefaultConstructorService"))
                .isInstanceOf(StartFailure.class)
                .hasMessage("service class io.leveros.runtime.testservice.NoDefaultConstructorService has no public"
                        + " no-arg constructor (expected: public NoDefaultConstructorService())");
    }

    @Test
    void notPublic() {
        assertThatThrownBy(() -> ServiceLoading.load(dir, Hidden.class.getName()))
                .isInstanceOf(StartFailure.class)
                .hasMessageEndingWith("is not public (expected: a public class)");
    }

    @Test
    void oneLineMessages() {
        assertThat(ServiceLoading.describe(new IllegalStateException("a\nb"))).doesNotContain("\n");
    }

    static class Hidden {}
}
