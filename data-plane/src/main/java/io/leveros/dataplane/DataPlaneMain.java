package io.leveros.dataplane;

/** {@code java -cp 'data-plane/target/lib/*' io.leveros.dataplane.DataPlaneMain --port 8080 ...}. */
public final class DataPlaneMain {
    private DataPlaneMain() {}

    public static void main(String[] args) throws Exception {
        DataPlaneBootstrap.run(args);
    }
}
