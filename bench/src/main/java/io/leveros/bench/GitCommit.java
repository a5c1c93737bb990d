package io.leveros.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The commit a checkout is at, for a benchmark's report. */
final class GitCommit {
    private GitCommit() {}

    /** {@code git rev-parse --short HEAD} in {@code checkout}, "+ changes" when its tree differs. */
    static String of(Path checkout) {
        try {
            String head = git(checkout, "rev-parse", "--short", "HEAD");
            return git(checkout, "status", "--porcelain", "--untracked-files=no")
                            .isEmpty()
                    ? head
                    : head + " + changes";
        } catch (IOException | InterruptedException | IllegalStateException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String git(Path checkout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", checkout.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + ": " + output);
        }
        return output;
    }
}
