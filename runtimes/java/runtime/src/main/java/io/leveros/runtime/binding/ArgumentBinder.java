package io.leveros.runtime.binding;

import io.leveros.proto.core.JSON;
import io.leveros.proto.core.JSONArray;
import io.leveros.proto.core.RPC;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Binds the arguments of an {@link RPC} to the parameters of one method: JSON arguments one by one
 * to the declared types, or the byte argument to a method whose only parameter is {@code byte[]}
 * (or {@code Object}). The argument count must match; a varargs method takes any number of
 * trailing arguments as its array.
 *
 * <p>Parameters that the platform fills rather than the caller (the stream of a streaming method)
 * are the {@code leading} ones: they are skipped here, their slots in the
 * bound array are left {@code null} for the caller to fill.
 */
final class ArgumentBinder {
    private static final Object[] NO_ARGS = new Object[0];

    private final String method;
    private final int leading;
    private final BoundParameter[] parameters;
    private final boolean varargs;
    private final boolean takesBytes;
    private final String signature;

    private ArgumentBinder(
            String method, int leading, BoundParameter[] parameters, boolean varargs, boolean takesBytes) {
        this.method = method;
        this.leading = leading;
        this.parameters = parameters;
        this.varargs = varargs;
        this.takesBytes = takesBytes;
        this.signature =
                Arrays.stream(parameters).map(BoundParameter::declaration).collect(Collectors.joining(", ", "(", ")"));
    }

    static ArgumentBinder of(Method method, JsonMapping mapping) {
        return of(method, mapping, 0);
    }

    /** A binder for the parameters after the first {@code leading} ones, which the platform fills. */
    static ArgumentBinder of(Method method, JsonMapping mapping, int leading) {
        Parameter[] declared = method.getParameters();
        Type[] types = method.getGenericParameterTypes();
        BoundParameter[] parameters = new BoundParameter[declared.length - leading];
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = BoundParameter.of(i + 1, declared[leading + i], types[leading + i], mapping);
        }
        boolean takesBytes = parameters.length == 1
                && (declared[leading].getType() == byte[].class || declared[leading].getType() == Object.class);
        return new ArgumentBinder(method.getName(), leading, parameters, method.isVarArgs(), takesBytes);
    }

    /** How many parameters the arguments bind (the leading ones not counted). */
    int parameterCount() {
        return parameters.length;
    }

    /** The parameter list as in source, {@code (int a, int b)}. */
    String signature() {
        return signature;
    }

    /**
     * The Java arguments for one call.
     *
     * @throws CallRejectedException ({@code INVALID_ARGUMENTS}) saying which argument does not fit
     */
    Object[] bind(RPC rpc) {
        return switch (rpc.getArgsOneofCase()) {
            case BYTE_ARGS -> bindBytes(rpc);
            case ARGS -> bindJson(rpc.getArgs().getElementList());
            case ARGSONEOF_NOT_SET -> bindJson(List.of());
        };
    }

    private Object[] bindBytes(RPC rpc) {
        if (!takesBytes) {
            throw reject("method '" + method + "' takes " + signature
                    + ", but the call sent a byte argument (expected: JSON arguments; only a method whose one"
                    + " parameter is byte[] takes bytes)");
        }
        Object[] bound = new Object[leading + 1];
        bound[leading] = rpc.getByteArgs().toByteArray();
        return bound;
    }

    private Object[] bindJson(List<JSON> args) {
        int count = parameters.length;
        if (varargs ? args.size() < count - 1 : args.size() != count) {
            throw reject("method '" + method + "' takes " + (varargs ? "at least " + (count - 1) : count)
                    + (count == 1 && !varargs ? " argument " : " arguments ") + signature + ", got " + args.size());
        }
        if (count == 0 && leading == 0) {
            return NO_ARGS;
        }
        Object[] bound = new Object[leading + count];
        int fixed = varargs ? count - 1 : count;
        for (int i = 0; i < fixed; i++) {
            bound[leading + i] = parameters[i].bind(method, args.get(i));
        }
        if (varargs) {
            JSON rest = JSON.newBuilder()
                    .setJsonArray(JSONArray.newBuilder().addAllElement(args.subList(fixed, args.size())))
                    .build();
            bound[leading + fixed] = parameters[fixed].bind(method, rest);
        }
        return bound;
    }

    private static CallRejectedException reject(String message) {
        return new CallRejectedException(CallRejectedException.Reason.INVALID_ARGUMENTS, message);
    }
}
