package io.leveros.core.environment;

import java.util.regex.Pattern;

/** Rules for environment names, which are host names (e.g. {@code dev.lever}). */
public final class EnvironmentNames {
    /** The environment that exists from the first start and is used when a call names none. */
    public static final String DEFAULT = "dev.lever";

    private static final Pattern VALID =
            Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    private EnvironmentNames() {}

    /** Returns a message saying why {@code name} is not a valid environment name, or {@code null}. */
    public static String problem(String name) {
        if (name == null || name.length() < 3 || name.length() > 253) {
            return "environment name '" + name + "' must be 3 to 253 characters long";
        }
        if (!VALID.matcher(name).matches()) {
            return "environment name '" + name
                    + "' is not a host name (expected: lower-case letters, digits, '-' and '.', e.g. staging.lever)";
        }
        return null;
    }
}
