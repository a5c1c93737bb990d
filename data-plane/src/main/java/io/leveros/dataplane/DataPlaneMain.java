package io.leveros.dataplane;

/** {@code java -cp 'data-plane/target/lib/*' io.leveros.dataplane.DataPlaneMain --port 8080 ...}. */
public final class DataPlaneMain {
    private DataPlaneMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        DataPlaneBootstrap.run(args);
    }
}
