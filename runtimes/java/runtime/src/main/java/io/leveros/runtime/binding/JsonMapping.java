package io.leveros.runtime.binding;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.lang.reflect.Type;

/**
 * The Jackson configuration that binds arguments and encodes results: strict about types (no
 * {@code 1.5} for an {@code int}, no {@code "42"} for an {@code int}, no {@code 42} for a {@code
 * String}, no unknown properties in a record or POJO), with {@code java.time} and {@code Optional}
 * support; dates are written as ISO-8601 strings.
 */
public final class JsonMapping {
    private final ObjectMapper mapper;

    /** A mapping that resolves type names with the service's class loader. */
    public JsonMapping(ClassLoader serviceLoader) {
        mapper = JsonMapper.builder()
                .typeFactory(TypeFactory.defaultInstance().withClassLoader(serviceLoader))
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .build();
        for (CoercionInputShape shape : new CoercionInputShape[] {
            CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean
        }) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
    }

    /** A reader for one parameter type, made once at start-up. */
    ObjectReader readerFor(Type type) {
        JavaType javaType = mapper.getTypeFactory().constructType(type);
        return mapper.readerFor(javaType);
    }

    /** {@code value} as a Jackson tree. */
    JsonNode toTree(Object value) {
        return mapper.valueToTree(value);
    }
}
