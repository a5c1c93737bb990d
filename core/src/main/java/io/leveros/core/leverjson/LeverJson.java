package io.leveros.core.leverjson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveros.core.json.JsonValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's {@code lever.json}: its name, how to start it, and how to scale it.
 *
 * <p>{@link #parse} is the one place that decides what a valid lever.json is; the CLI runs it
 * before uploading and the control plane again before accepting a deploy.
 *
 * @param name the service name
 * @param description free text, {@code ""} when absent
 * @param entry how instances are started: exactly one of the three kinds
 * @param isPrivate whether only other services may call it (not HTTP or outside clients)
 * @param maxInstanceLoad concurrent calls one instance should carry
 * @param minInstances instances kept running even without load
 * @param maxInstances the most instances ever run, {@code 0} for no limit
 * @param ramMb memory limit of one instance in MB
 * @param idleTimeout how long an instance may stay idle before it is stopped, {@code null} for
 *     the platform default
 * @param scaleDownDelay how long a lower need must last before instances are stopped, {@code
 *     null} for the platform default
 * @param resourceIdleTimeout how long a resource stays bound without a call before {@code
 *     CloseResource}, {@code null} for the default (3 minutes)
 * @param maxResourcesPerInstance the most resources one instance holds, {@code 0} for no limit
 * @param upgradeStreamGrace how long a stream open on a version that another replaced may still run
 *     before it ends with an error saying so, {@code null} for the default (5 minutes)
 * @param configJson the free-form {@code config} object as JSON text, {@code "{}"} when absent
 */
public record LeverJson(
        String name,
        String description,
        Entry entry,
        boolean isPrivate,
        double maxInstanceLoad,
        int minInstances,
        int maxInstances,
        int ramMb,
        Duration idleTimeout,
        Duration scaleDownDelay,
        Duration resourceIdleTimeout,
        int maxResourcesPerInstance,
        Duration upgradeStreamGrace,
        String configJson) {

    public static final String FILE_NAME = "lever.json";
    public static final double DEFAULT_MAX_INSTANCE_LOAD = 10;
    public static final int DEFAULT_RAM_MB = 256;
    public static final int MIN_RAM_MB = 32;
    public static final int MAX_RAM_MB = 64 * 1024;

    private static final Set<String> KNOWN_FIELDS = Set.of(
            "name",
            "description",
            "entry",
            "jsEntry",
            "javaEntry",
            "private",
            "maxInstanceLoad",
            "minInstances",
            "maxInstances",
            "ram",
            "idleTimeout",
            "scaleDownDelay",
            "resourceIdleTimeout",
            "maxResourcesPerInstance",
            "upgradeStreamGrace",
            "config");
    private static final String KNOWN_FIELDS_TEXT =
            "name, description, entry, jsEntry, javaEntry, private, maxInstanceLoad, minInstances, maxInstances, ram, idleTimeout, scaleDownDelay, resourceIdleTimeout, maxResourcesPerInstance, upgradeStreamGrace, config";
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,254}");
    private static final Pattern JAVA_CLASS = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(JsonValues.MAX_DEPTH)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .build();

    /** How an instance of the service is started. */
    public sealed interface Entry {}

    /** {@code "entry": ["cmd", "arg", ...]}: any executable serving core.LeverRPC. */
    public record CommandEntry(List<String> argv) implements Entry {
        public CommandEntry {
            argv = List.copyOf(argv);
        }
    }

    /** {@code "jsEntry": "server.js"}: a Node module whose exported functions are the methods. */
    public record JsEntry(String module) implements Entry {}

    /** {@code "javaEntry": "com.example.Hello"}: a class whose public methods are the methods. */
    public record JavaEntry(String className) implements Entry {}

    /**
     * Parses and validates lever.json text.
     *
     * @throws InvalidLeverJsonException naming the field, the value found and what was expected
     */
    public static LeverJson parse(byte[] utf8) {
        JsonNode root;
        try {
            root = MAPPER.readTree(utf8);
        } catch (StreamConstraintsException e) {
            throw new InvalidLeverJsonException("lever.json nests arrays and objects more than " + JsonValues.MAX_DEPTH
                    + " levels deep (expected: at most " + JsonValues.MAX_DEPTH + " levels; flatten 'config')");
        } catch (JsonProcessingException e) {
            String where =
                    e.getLocation() == null ? "" : " at " + e.getLocation().offsetDescription();
            throw new InvalidLeverJsonException("lever.json is not valid JSON: " + e.getOriginalMessage() + where);
        } catch (java.io.IOException e) {
            throw new InvalidLeverJsonException("lever.json could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidLeverJsonException("lever.json must be a JSON object, like {\"name\": \"helloService\", "
                    + "\"javaEntry\": \"com.example.Hello\"}");
        }
        return fromObject((ObjectNode) root);
    }

    private static LeverJson fromObject(ObjectNode root) {
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!KNOWN_FIELDS.contains(field)) {
                throw new InvalidLeverJsonException(
                        "lever.json has an unknown field '" + field + "' (known fields: " + KNOWN_FIELDS_TEXT + ")");
            }
        }
        String name = requiredString(root, "name");
        if (!SERVICE_NAME.matcher(name).matches()) {
            throw new InvalidLeverJsonException("lever.json: invalid service name '" + name
                    + "' (expected: 3 to 255 letters, digits, '.', '_' or '-', starting with a letter or digit)");
        }
        String description = optionalString(root, "description", "");
        Entry entry = entry(root);
        boolean isPrivate = optionalBoolean(root, "private", false);
        double maxInstanceLoad = optionalPositiveNumber(root, "maxInstanceLoad", DEFAULT_MAX_INSTANCE_LOAD);
        int minInstances = optionalInt(root, "minInstances", 0, 0, 1000);
        int maxInstances = optionalInt(root, "maxInstances", 0, 1, 10_000);
        if (maxInstances != 0 && maxInstances < minInstances) {
            throw new InvalidLeverJsonException("lever.json: maxInstances (" + maxInstances
                    + ") is lower than minInstances (" + minInstances + ")");
        }
        int ramMb = optionalInt(root, "ram", DEFAULT_RAM_MB, MIN_RAM_MB, MAX_RAM_MB);
        Duration idleTimeout = optionalDuration(root, "idleTimeout");
        Duration scaleDownDelay = optionalDuration(root, "scaleDownDelay");
        Duration resourceIdleTimeout = optionalDuration(root, "resourceIdleTimeout");
        int maxResourcesPerInstance = optionalInt(root, "maxResourcesPerInstance", 0, 1, 1_000_000);
        Duration upgradeStreamGrace = optionalDuration(root, "upgradeStreamGrace");
        String configJson = "{}";
        JsonNode config = root.get("config");
        if (config != null && !config.isNull()) {
            if (!config.isObject()) {
                throw new InvalidLeverJsonException(
                        "lever.json: 'config' must be an object (found " + describe(config) + ")");
            }
            configJson = config.toString();
        }
        return new LeverJson(
                name,
                description,
                entry,
                isPrivate,
                maxInstanceLoad,
                minInstances,
                maxInstances,
                ramMb,
                idleTimeout,
                scaleDownDelay,
                resourceIdleTimeout,
                maxResourcesPerInstance,
                upgradeStreamGrace,
                configJson);
    }

    private static Entry entry(ObjectNode root) {
        List<String> kinds = new ArrayList<>();
        for (String kind : List.of("entry", "jsEntry", "javaEntry")) {
            if (root.has(kind)) {
                kinds.add(kind);
            }
        }
        if (kinds.size() != 1) {
            throw new InvalidLeverJsonException("lever.json must name exactly one entry point: 'entry' (a command), "
                    + "'jsEntry' (a Node module) or 'javaEntry' (a Java class); found "
                    + (kinds.isEmpty() ? "none" : String.join(" and ", kinds)));
        }
        return switch (kinds.getFirst()) {
            case "entry" -> {
                JsonNode argv = root.get("entry");
                if (argv.isTextual() && !argv.textValue().isBlank()) {
                    yield new CommandEntry(List.of(argv.textValue()));
                }
                if (!argv.isArray() || argv.isEmpty()) {
                    throw new InvalidLeverJsonException("lever.json: 'entry' must be a non-empty array of strings, "
                            + "like [\"./serve\", \"--flag\"] (found " + describe(argv) + ")");
                }
                List<String> args = new ArrayList<>();
                for (JsonNode arg : argv) {
                    if (!arg.isTextual() || (args.isEmpty() && arg.textValue().isBlank())) {
                        throw new InvalidLeverJsonException(
                                "lever.json: 'entry' must hold strings, the first one a command (found " + describe(arg)
                                        + ")");
                    }
                    args.add(arg.textValue());
                }
                yield new CommandEntry(args);
            }
            case "jsEntry" -> {
                String module = requiredString(root, "jsEntry");
                if (module.startsWith("/") || module.contains("..")) {
                    throw new InvalidLeverJsonException(
                            "lever.json: 'jsEntry' must be a path inside the service folder " + "(found '" + module
                                    + "')");
                }
                yield new JsEntry(module);
            }
            default -> {
                String className = requiredString(root, "javaEntry");
                if (!JAVA_CLASS.matcher(className).matches()) {
                    throw new InvalidLeverJsonException("lever.json: 'javaEntry' must be a fully qualified class name "
                            + "like com.example.Hello (found '" + className + "')");
                }
                yield new JavaEntry(className);
            }
        };
    }

    private static String requiredString(ObjectNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidLeverJsonException("lever.json is missing the required field '" + field + "'");
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw new InvalidLeverJsonException(
                    "lever.json: '" + field + "' must be a non-empty string (found " + describe(value) + ")");
        }
        return value.textValue();
    }

    private static String optionalString(ObjectNode root, String field, String fallback) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw new InvalidLeverJsonException(
                    "lever.json: '" + field + "' must be a string (found " + describe(value) + ")");
        }
        return value.textValue();
    }

    private static boolean optionalBoolean(ObjectNode root, String field, boolean fallback) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new InvalidLeverJsonException(
                    "lever.json: '" + field + "' must be true or false (found " + describe(value) + ")");
        }
        return value.booleanValue();
    }

    private static double optionalPositiveNumber(ObjectNode root, String field, double fallback) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || value.doubleValue() < 0 || !Double.isFinite(value.doubleValue())) {
            throw new InvalidLeverJsonException(
                    "lever.json: '" + field + "' must be a number > 0 (found " + describe(value) + ")");
        }
        // As in the original, 0 means the default.
        return value.doubleValue() == 0 ? fallback : value.doubleValue();
    }

    private static int optionalInt(ObjectNode root, String field, int fallback, int min, int max) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || value.longValue() < min || value.longValue() > max) {
            throw new InvalidLeverJsonException("lever.json: '" + field + "' must be a whole number from " + min
                    + " to " + max + " (found " + describe(value) + ")");
        }
        return value.intValue();
    }

    private static Duration optionalDuration(ObjectNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        String expected = "lever.json: '" + field
                + "' must be a duration: seconds as a number (300) or text like \"300ms\", \"30s\", \"5m\", \"1h\" (found "
                + describe(value) + ")";
        Duration duration;
        if (value.isNumber()) {
            duration = Duration.ofMillis(Math.round(value.doubleValue() * 1000));
        } else if (value.isTextual()) {
            Matcher matcher = DURATION.matcher(value.textValue().trim());
            if (!matcher.matches()) {
                throw new InvalidLeverJsonException(expected);
            }
            double amount = Double.parseDouble(matcher.group(1));
            long unitMillis =
                    switch (matcher.group(2)) {
                        case "ms" -> 1;
                        case "s" -> 1000;
                        case "m" -> 60_000;
                        default -> 3_600_000;
                    };
            duration = Duration.ofMillis(Math.round(amount * unitMillis));
        } else {
            throw new InvalidLeverJsonException(expected);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new InvalidLeverJsonException(expected);
        }
        return duration;
    }

    private static String describe(JsonNode value) {
        String text = value.toString();
        String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + shown;
    }

    /** The fields as a JSON object, the way the REST API shows them. */
    public Map<String, Object> describeEntry() {
        return switch (entry) {
            case CommandEntry command -> Map.of("entry", command.argv());
            case JsEntry js -> Map.of("jsEntry", js.module());
            case JavaEntry java -> Map.of("javaEntry", java.className());
        };
    }
}
