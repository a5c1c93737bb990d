package io.leveros.testservice;

/** Must refuse to start: its constructor throws. */
public class CrashesAtStart {
    public CrashesAtStart() {
        throw new IllegalStateException("crash at start on purpose");
    }

    public String never() {
        return "never";
    }
}
