package io.leveros.runtime.testservice;

public class CrashingService {
    public CrashingService() {
        throw new IllegalStateException("crash at start on purpose");
    }
}
