package io.leveros.core.javaservice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a service's classes are, relative to its code folder (the "Java services" rule of the
 * runtime contract): the class directories {@code classes/}, {@code target/classes/} and {@code
 * build/classes/java/main/}, then every {@code .jar} directly in the folder, in {@code lib/}, in
 * {@code target/} and in {@code build/libs/}, each folder's jars by name. The first entry that has
 * a class wins.
 *
 * @param codeDir the code folder
 * @param entries the existing directories and jars, in search order
 */
public record ServiceClassPath(Path codeDir, List<Path> entries) {
    /** The class directories, in search order. */
    public static final List<String> CLASS_DIRS = List.of("classes", "target/classes", "build/classes/java/main");

    /** The folders whose {@code .jar} files are searched ({@code ""} is the code folder itself). */
    public static final List<String> JAR_DIRS = List.of("", "lib", "target", "build/libs");

    public ServiceClassPath {
        entries = List.copyOf(entries);
    }

    /** Finds the entries that exist in {@code codeDir}. */
    public static ServiceClassPath in(Path codeDir) {
        List<Path> entries = new ArrayList<>();
        for (String dir : CLASS_DIRS) {
            Path path = codeDir.resolve(dir);
            if (Files.isDirectory(path)) {
                entries.add(path);
            }
        }
        for (String dir : JAR_DIRS) {
            Path folder = dir.isEmpty() ? codeDir : codeDir.resolve(dir);
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                        .sorted()
                        .forEach(entries::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + folder, e);
            }
        }
        return new ServiceClassPath(codeDir, entries);
    }

    /** The entries as URLs for a {@link java.net.URLClassLoader}. */
    public URL[] urls() {
        URL[] urls = new URL[entries.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = entries.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalStateException("cannot make a URL of " + entries.get(i), e);
            }
        }
        return urls;
    }

    /** The places searched, for error messages: {@code classes/, target/classes/, ...}. */
    public static String searchedPlaces() {
        List<String> places = new ArrayList<>();
        CLASS_DIRS.forEach(dir -> places.add(dir + "/"));
        JAR_DIRS.forEach(dir -> places.add(dir.isEmpty() ? "*.jar" : dir + "/*.jar"));
        return String.join(", ", places);
    }

    /** The entries found, relative to the code folder, for error messages. */
    public String describeEntries() {
        if (entries.isEmpty()) {
            return "none of them exists";
        }
        List<String> names = new ArrayList<>();
        for (Path entry : entries) {
            String name = codeDir.relativize(entry).toString();
            names.add(Files.isDirectory(entry) ? name + "/" : name);
        }
        return "found: " + String.join(", ", names);
    }
}
