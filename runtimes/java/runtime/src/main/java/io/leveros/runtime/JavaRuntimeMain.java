package io.leveros.runtime;

/**
 * Runs a Java service as a Lever instance: {@code java -cp 'runtime/lib/*'
 * io.leveros.runtime.JavaRuntimeMain <className>}, from the service's code folder.
 */
public final class JavaRuntimeMain {
    private JavaRuntimeMain() {}

    public static void main(String[] args) {
        System.exit(RuntimeBootstrap.run(args, System.getenv()));
    }
}
