package io.leveros.core.url;

/** Rules for method names that every runtime and client share. */
public final class MethodNames {
    private MethodNames() {}

    /** A method is streaming if its name ends in {@code Chan} or {@code _chan}, or is {@code chan}. */
    public static boolean isStreaming(String method) {
        return method.endsWith("Chan") || method.endsWith("_chan") || method.equals("chan");
    }

    /** Names starting with {@code _} are private to the service and never exported. */
    public static boolean isExported(String method) {
        return !method.isEmpty() && method.charAt(0) != '_';
    }
}
