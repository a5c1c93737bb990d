package io.leveros.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveros.proto.core.JSON;
import io.leveros.proto.core.JSONArray;
import io.leveros.proto.core.JSONObject;
import io.leveros.proto.core.JSONProperty;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Converts between JSON text (or Jackson trees) and the wire's {@link JSON} messages.
 *
 * <p>Text is read and written with Jackson's streaming API, without building an intermediate tree,
 * because the data plane does it on every HTTP request. Numbers travel as doubles, like
 * JavaScript's; a whole number is written back without a fraction ({@code 42}, not {@code 42.0}).
 */
public final class JsonValues {
    /**
     * Deepest nesting of arrays and objects accepted, in call arguments and in lever.json alike, so that
     * hostile text cannot exhaust the stack of whatever reads it next. 32, not more: on the wire each
     * object level is three nested messages ({@code JSON}, {@code JSONObject}, {@code JSONProperty}), and
     * protobuf parsers refuse more than 100 ({@code CodedInputStream}'s default recursion limit), so an
     * instance could not read deeper arguments.
     */
    public static final int MAX_DEPTH = 32;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();
    private static final JSON NULL = JSON.getDefaultInstance();
    /** Whole numbers up to 2^53 are exact in a double and written without a fraction, as JavaScript does. */
    private static final double MAX_EXACT_INTEGER = 9007199254740992d;

    private JsonValues() {}

    /** The JSON null value. */
    public static JSON nullValue() {
        return NULL;
    }

    public static JSON of(String value) {
        return JSON.newBuilder().setJsonString(value).build();
    }

    public static JSON of(double value) {
        return JSON.newBuilder().setJsonNumber(value).build();
    }

    public static JSON of(boolean value) {
        return JSON.newBuilder().setJsonBool(value).build();
    }

    /**
     * Parses a body that must be a JSON array of call arguments.
     *
     * @throws MalformedJsonException saying where the text stops being a JSON array
     */
    public static JSONArray parseArgs(byte[] utf8) {
        try (JsonParser parser = FACTORY.createParser(utf8)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_ARRAY) {
                throw new MalformedJsonException(
                        "expected a JSON array of arguments, found " + describe(first) + " (example: [\"world\", 42])");
            }
            JSONArray args = readArray(parser);
            if (parser.nextToken() != null) {
                throw new MalformedJsonException(
                        "unexpected text after the JSON array of arguments at " + location(parser));
            }
            return args;
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses one JSON value of any kind.
     *
     * @throws MalformedJsonException saying what is wrong
     */
    public static JSON parse(byte[] utf8) {
        try (JsonParser parser = FACTORY.createParser(utf8)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new MalformedJsonException("expected a JSON value, found nothing");
            }
            JSON value = read(parser);
            if (parser.nextToken() != null) {
                throw new MalformedJsonException("unexpected text after the JSON value at " + location(parser));
            }
            return value;
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JSON parse(String text) {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the value at the parser's current token. */
    public static JSON read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == null) {
            throw new MalformedJsonException("unexpected end of JSON input");
        }
        return switch (token) {
            case VALUE_STRING -> of(parser.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> of(parser.getDoubleValue());
            case VALUE_TRUE -> of(true);
            case VALUE_FALSE -> of(false);
            case VALUE_NULL -> NULL;
            case START_ARRAY ->
                JSON.newBuilder().setJsonArray(readArray(parser)).build();
            case START_OBJECT ->
                JSON.newBuilder().setJsonObject(readObject(parser)).build();
            default -> throw new MalformedJsonException("unexpected " + describe(token) + " at " + location(parser));
        };
    }

    private static JSONArray readArray(JsonParser parser) throws IOException {
        JSONArray.Builder array = JSONArray.newBuilder();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            array.addElement(read(parser));
        }
        return array.build();
    }

    private static JSONObject readObject(JsonParser parser) throws IOException {
        JSONObject.Builder object = JSONObject.newBuilder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            object.addProperty(JSONProperty.newBuilder()
                    .setName(name)
                    .setValue(read(parser))
                    .build());
        }
        return object.build();
    }

    /** Writes {@code value} as compact JSON text. */
    public static void write(JsonGenerator generator, JSON value) throws IOException {
        switch (value.getJsonValueOneofCase()) {
            case JSON_STRING -> generator.writeString(value.getJsonString());
            case JSON_NUMBER -> writeNumber(generator, value.getJsonNumber());
            case JSON_BOOL -> generator.writeBoolean(value.getJsonBool());
            case JSON_ARRAY -> writeArray(generator, value.getJsonArray());
            case JSON_OBJECT -> {
                generator.writeStartObject();
                for (JSONProperty property : value.getJsonObject().getPropertyList()) {
                    generator.writeFieldName(property.getName());
                    write(generator, property.getValue());
                }
                generator.writeEndObject();
            }
            case JSONVALUEONEOF_NOT_SET -> generator.writeNull();
        }
    }

    public static void writeArray(JsonGenerator generator, JSONArray array) throws IOException {
        generator.writeStartArray();
        for (JSON element : array.getElementList()) {
            write(generator, element);
        }
        generator.writeEndArray();
    }

    private static void writeNumber(JsonGenerator generator, double number) throws IOException {
        if (isExactInteger(number)) {
            generator.writeNumber((long) number);
        } else if (Double.isFinite(number)) {
            generator.writeNumber(number);
        } else {
            generator.writeNull(); // JSON has no NaN or infinity; JavaScript's JSON.stringify writes null too.
        }
    }

    private static boolean isExactInteger(double number) {
        return number == Math.rint(number) && Math.abs(number) <= MAX_EXACT_INTEGER;
    }

    /** {@code value} as compact UTF-8 JSON text. */
    public static byte[] toBytes(JSON value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code args} as compact UTF-8 JSON text (an array). */
    public static byte[] toBytes(JSONArray args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            writeArray(generator, args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code value} as compact JSON text. */
    public static String toJsonString(JSON value) {
        return new String(toBytes(value), StandardCharsets.UTF_8);
    }

    /** Converts a Jackson tree (e.g. from object mapping) into a wire value. */
    public static JSON fromNode(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NULL;
        }
        if (node.isTextual()) {
            return of(node.textValue());
        }
        if (node.isNumber()) {
            return of(node.doubleValue());
        }
        if (node.isBoolean()) {
            return of(node.booleanValue());
        }
        if (node.isArray()) {
            return JSON.newBuilder().setJsonArray(arrayFromNode(node)).build();
        }
        if (node.isObject()) {
            JSONObject.Builder object = JSONObject.newBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                object.addProperty(JSONProperty.newBuilder()
                        .setName(field.getKey())
                        .setValue(fromNode(field.getValue()))
                        .build());
            }
            return JSON.newBuilder().setJsonObject(object).build();
        }
        if (node.isBinary()) {
            try {
                return of(java.util.Base64.getEncoder().encodeToString(node.binaryValue()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalArgumentException("cannot send a " + node.getNodeType() + " as JSON");
    }

    /** Converts every element of a Jackson array into a wire array. */
    public static JSONArray arrayFromNode(JsonNode array) {
        JSONArray.Builder builder = JSONArray.newBuilder();
        for (JsonNode element : array) {
            builder.addElement(fromNode(element));
        }
        return builder.build();
    }

    /** Converts a wire value into a Jackson tree (e.g. for object mapping). */
    public static JsonNode toNode(JSON value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (value.getJsonValueOneofCase()) {
            case JSON_STRING -> nodes.textNode(value.getJsonString());
            case JSON_NUMBER -> {
                double number = value.getJsonNumber();
                if (!isExactInteger(number)) {
                    yield nodes.numberNode(number);
                }
                long whole = (long) number;
                yield whole == (int) whole ? nodes.numberNode((int) whole) : nodes.numberNode(whole);
            }
            case JSON_BOOL -> nodes.booleanNode(value.getJsonBool());
            case JSON_ARRAY -> toNode(value.getJsonArray());
            case JSON_OBJECT -> {
                ObjectNode object = nodes.objectNode();
                for (JSONProperty property : value.getJsonObject().getPropertyList()) {
                    object.set(property.getName(), toNode(property.getValue()));
                }
                yield object;
            }
            case JSONVALUEONEOF_NOT_SET -> nodes.nullNode();
        };
    }

    public static ArrayNode toNode(JSONArray array) {
        ArrayNode node = JsonNodeFactory.instance.arrayNode(array.getElementCount());
        for (JSON element : array.getElementList()) {
            node.add(toNode(element));
        }
        return node;
    }

    /** The shared Jackson factory, configured with this class's limits. */
    public static JsonFactory factory() {
        return FACTORY;
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
        };
    }

    private static MalformedJsonException malformed(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return new MalformedJsonException("JSON nested more than " + MAX_DEPTH + " levels deep (expected: at most "
                    + MAX_DEPTH + " levels of arrays and objects)");
        }
        String where = e.getLocation() == null ? "" : " at " + e.getLocation().offsetDescription();
        return new MalformedJsonException("malformed JSON: " + e.getOriginalMessage() + where);
    }

    private static String location(JsonParser parser) {
        return parser.currentLocation().offsetDescription();
    }
}
