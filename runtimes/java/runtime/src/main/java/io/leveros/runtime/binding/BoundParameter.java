package io.leveros.runtime.binding;

import io.leveros.proto.core.JSON;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;

/**
 * One parameter of a service method, with everything needed to bind an argument to it computed at
 * start-up.
 *
 * @param position 1-based position among the arguments the caller sends
 * @param name the parameter's name ({@code argN} when the service was compiled without {@code
 *     -parameters})
 * @param typeName the declared type, readable ({@code List<Integer>})
 * @param primitive whether JSON null must be refused
 * @param binder the conversion from the wire value
 */
record BoundParameter(int position, String name, String typeName, boolean primitive, ValueBinder binder) {

    static BoundParameter of(int position, Parameter parameter, Type type, JsonMapping mapping) {
        return new BoundParameter(
                position,
                parameter.getName(),
                TypeNames.describe(type),
                parameter.getType().isPrimitive(),
                ValueBinders.forType(type, mapping));
    }

    /**
     * Binds one argument of a call to {@code method}.
     *
     * @throws CallRejectedException naming the method, this parameter and the expected type
     */
    Object bind(String method, JSON value) {
        if (primitive && value.getJsonValueOneofCase() == JSON.JsonValueOneofCase.JSONVALUEONEOF_NOT_SET) {
            throw mismatch(method, value, "a primitive cannot be null; declare " + boxed() + " to accept null");
        }
        try {
            return binder.bind(value);
        } catch (ValueBinder.Mismatch e) {
            throw mismatch(method, value, e.getMessage());
        }
    }

    /** {@code int a}, as in a signature. */
    String declaration() {
        return typeName + " " + name;
    }

    private CallRejectedException mismatch(String method, JSON value, String detail) {
        String message = "method '" + method + "': argument " + position + " ('" + name + "') must be " + typeName
                + ", got " + JsonPreview.describe(value) + (detail == null ? "" : ": " + detail);
        return new CallRejectedException(CallRejectedException.Reason.INVALID_ARGUMENTS, message);
    }

    private String boxed() {
        return switch (typeName) {
            case "int" -> "Integer";
            case "char" -> "Character";
            default -> Character.toUpperCase(typeName.charAt(0)) + typeName.substring(1);
        };
    }
}
