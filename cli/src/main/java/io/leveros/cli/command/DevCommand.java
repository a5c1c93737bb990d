package io.leveros.cli.command;

import io.leveros.cli.CliException;
import io.leveros.cli.api.ControlPlaneClient;
import io.leveros.cli.build.MavenBuild;
import io.leveros.cli.build.QuickJavaCompile;
import io.leveros.cli.build.ToolRun;
import io.leveros.cli.platform.LeverHome;
import io.leveros.core.leverjson.LeverJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lever dev [DIR]}: deploys the folder, then again on each saved change (a Java service is
 * compiled first, a Node.js one syntax-checked), until Ctrl-C. A change that does not build, or a
 * lever.json that is not valid, is shown and deploys nothing: the live version serves on.
 */
@Command(
        name = "dev",
        mixinStandardHelpOptions = true,
        description = {
            "Deploy the service in a folder, then again each time a file in it is saved, until Ctrl-C.",
            "A Java service is compiled first (its Maven build), a Node.js one syntax-checked (node --check);",
            "a change that does not build, or a lever.json that is not valid, is shown and deploys nothing,",
            "and the live version serves on. What the service's instances write is printed here as it comes",
            "(as lever logs -f prints it), every version's."
        })
public final class DevCommand implements Callable<Integer> {
    /** A change is acted on once the folder has been quiet this long (an editor's save is several events). */
    static final long QUIET_MS = 150;

    /** Folders whose changes are the build's or tools', not the user's. */
    private static final Set<String> IGNORED = Set.of("target", "build", "node_modules", ".git", ".idea", ".mvn");

    @ParentCommand
    LeverCommand lever;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The service folder (default: .).")
    Path folder = Path.of(".");

    private final PrintStream out = System.out;
    private boolean built;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Instant started = Instant.now();
        Path dir = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new CliException(dir + " is not a folder (expected the folder of a service, holding its lever.json)");
        }
        // The first deploy must work: there is nothing live to fall back on yet.
        DeployCommand.Deployed first = cycle(dir, Set.of(dir), System.nanoTime());
        if (first == null) {
            throw new CliException("the first deploy of " + dir + " failed (above); fix it and run lever dev again");
        }
        followLogs(first.service(), started);
        out.printf(
                "lever dev: watching %s; each saved change is deployed (Ctrl-C to stop).%n"
                        + "Call it: lever invoke /%s/<method> [jsonargs...], or POST http://%s/%s/<method>%n",
                dir, first.service(), lever.global.host, first.service());
        out.flush();
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            Map<WatchKey, Path> watched = new HashMap<>();
            register(dir, watcher, watched);
            while (true) {
                WatchKey key = watcher.take();
                long changed = System.nanoTime();
                Set<Path> changes = new HashSet<>();
                // Take every event until the folder is quiet: one deploy for one save.
                for (; key != null; key = watcher.poll(QUIET_MS, TimeUnit.MILLISECONDS)) {
                    Path parent = watched.get(key);
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.context() instanceof Path name && parent != null) {
                            Path path = parent.resolve(name);
                            if (!ignored(path) && !editorsOwn(name.toString())) {
                                changes.add(path);
                            }
                            if (Files.isDirectory(path) && !ignored(path)) {
                                register(path, watcher, watched);
                            }
                        } else {
                            changes.add(dir); // overflow: something changed, maybe anything
                        }
                    }
                    if (!key.reset()) {
                        watched.remove(key);
                    }
                }
                if (!changes.isEmpty()) {
                    cycle(dir, changes, changed);
                }
            }
        }
    }

    /**
     * Prints the service's output from {@code since} on, in the background, for as long as this runs;
     * when the control plane goes away it tries again every 2 s, from the last line it printed.
     */
    private void followLogs(String service, Instant since) {
        Thread.ofPlatform().daemon().name("lever-dev-logs").start(() -> {
            long[] from = {since.toEpochMilli()};
            boolean said = false;
            while (true) {
                String path = ControlPlaneClient.servicePath(lever.global.env, service) + "/logs?follow=true&since="
                        + Instant.ofEpochMilli(from[0]);
                try {
                    lever.global.controlPlane().lines(path, line -> {
                        long time = LogsCommand.print(line, false, out, System.err);
                        from[0] = Math.max(from[0], time + 1);
                    });
                } catch (CliException e) {
                    if (!said) {
                        out.println("lever dev: not following the service's output for now: " + e.getMessage());
                        said = true;
                    }
                }
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /**
     * Builds (if the language has a step) and deploys; says what went live and how long after the change,
     * or what failed. Returns what was deployed, or {@code null}.
     */
    private DeployCommand.Deployed cycle(Path dir, Set<Path> changes, long changedNanos) throws IOException {
        try {
            LeverJson service = DeployCommand.readLeverJson(dir);
            switch (service.entry()) {
                case LeverJson.JavaEntry java -> {
                    Path sources = dir.resolve("src/main/java");
                    MavenBuild maven = MavenBuild.in(dir);
                    if (built
                            && changes.stream().allMatch(path -> path.startsWith(sources))
                            && QuickJavaCompile.applies(dir)) {
                        compile(dir, service);
                    } else if (maven != null) {
                        maven.run(built ? "compile" : "package", service.name(), System.err);
                        built = true;
                    }
                }
                case LeverJson.JsEntry js -> checkSyntax(dir, js);
                default -> {}
            }
            DeployCommand.Deployed deployed = DeployCommand.deploy(lever.global, dir, false, System.err);
            StartWait.await(lever.global, deployed.service(), deployed.version(), System.err);
            out.printf(
                    "lever dev: %s v%s is live, %.1f s after the change%n",
                    deployed.service(), deployed.version(), (System.nanoTime() - changedNanos) / 1e9);
            out.flush();
            return deployed;
        } catch (CliException e) {
            out.println("lever dev: " + e.getMessage() + "; the live version serves on");
            out.flush();
            return null;
        }
    }

    /** A source edit: the JDK's compiler, in this process (see {@link QuickJavaCompile}). */
    private void compile(Path dir, LeverJson service) throws IOException {
        long started = System.nanoTime();
        QuickJavaCompile.Result result =
                QuickJavaCompile.compile(dir, LeverHome.locate().javaApiJar());
        System.err.print(result.messages());
        if (!result.ok()) {
            throw new CliException(service.name() + " does not compile (the compiler's messages are above); nothing"
                    + " was deployed");
        }
        System.err.printf(
                "Compiled %d sources of %s in %.1f s.%n",
                result.sources(), service.name(), (System.nanoTime() - started) / 1e9);
    }

    /** {@code node --check} of the entry module, so a syntax error is shown instead of deployed. */
    private static void checkSyntax(Path dir, LeverJson.JsEntry js) throws IOException {
        Path entry = dir.resolve(js.module());
        if (!Files.isRegularFile(entry)) {
            throw new CliException("the jsEntry " + js.module() + " is not a file in " + dir);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        if (ToolRun.run(List.of("node", "--check", entry.toString()), dir, output) != 0) {
            throw new CliException(js.module() + " does not parse:\n"
                    + output.toString(StandardCharsets.UTF_8).strip() + "\nnothing was deployed");
        }
    }

    /** An editor's swap, backup or lock file: not a change to the service. */
    private static boolean editorsOwn(String name) {
        return name.startsWith(".") || name.startsWith("#") || name.endsWith("~") || name.endsWith(".swp");
    }

    private static boolean ignored(Path path) {
        String name = path.getFileName().toString();
        return IGNORED.contains(name);
    }

    private static void register(Path root, WatchService watcher, Map<WatchKey, Path> watched) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (!dir.equals(root) && ignored(dir)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                watched.put(
                        dir.register(
                                watcher,
                                StandardWatchEventKinds.ENTRY_CREATE,
                                StandardWatchEventKinds.ENTRY_MODIFY,
                                StandardWatchEventKinds.ENTRY_DELETE),
                        dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
