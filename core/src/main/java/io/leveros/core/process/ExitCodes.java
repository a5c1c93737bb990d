package io.leveros.core.process;

import java.util.Map;

/** How a process's exit code reads in the platform's log and errors. */
public final class ExitCodes {
    /** The signals a process is commonly ended by, by number. */
    private static final Map<Integer, String> SIGNALS = Map.of(
            1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 4, "SIGILL", 6, "SIGABRT", 9, "SIGKILL", 11, "SIGSEGV", 15,
            "SIGTERM");

    private ExitCodes() {}

    /**
     * "exited with code N", and the signal that ended the process when N is 128 plus a signal's
     * number, as Java and Docker report a process ended by one: "exited with code 143 (ended by
     * SIGTERM)" rather than a number the reader has to decode.
     */
    public static String exited(int code) {
        String exited = "exited with code " + code;
        int signal = code - 128;
        return signal < 1 || signal > 31
                ? exited
                : exited + " (ended by " + SIGNALS.getOrDefault(signal, "signal " + signal) + ")";
    }
}
