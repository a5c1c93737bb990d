package io.leveros.cli.build;

import io.leveros.cli.CliException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/** Runs a tool (Maven, node) in a folder to its end, its output (stdout and stderr) copied as it comes. */
public final class ToolRun {
    private ToolRun() {}

    /** @return the tool's exit code */
    public static int run(List<String> command, Path dir, OutputStream output) throws IOException {
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(output);
        }
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while running " + command.getFirst());
        }
    }
}
