package io.leveros.runtime.binding;

import io.leveros.api.LeverError;
import io.leveros.core.url.MethodNames;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import io.leveros.runtime.StartFailure;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * One exported method, compiled at start-up: its argument binder, a method handle bound to the
 * service instance that takes an {@code Object[]} and answers an {@code Object} ({@code null} for
 * {@code void}), and the reply encoder. A call does no reflection lookups.
 */
public final class ServiceMethod {
    private static final MethodType GENERIC = MethodType.methodType(Object.class, Object[].class);

    private final String name;
    private final boolean streaming;
    private final ArgumentBinder arguments;
    private final MethodHandle invoker;
    private final ReplyEncoder replies;

    private ServiceMethod(
            String name, boolean streaming, ArgumentBinder arguments, MethodHandle invoker, ReplyEncoder replies) {
        this.name = name;
        this.streaming = streaming;
        this.arguments = arguments;
        this.invoker = invoker;
        this.replies = replies;
    }

    static ServiceMethod compile(Method method, Object instance, JsonMapping mapping, ReplyEncoder replies) {
        try {
            method.setAccessible(true); // a public method of a non-public superclass needs it
        } catch (RuntimeException e) {
            // unreflect below reports what cannot be accessed
        }
        MethodHandle handle;
        try {
            handle = MethodHandles.lookup().unreflect(method);
        } catch (IllegalAccessException e) {
            throw new StartFailure("cannot access method " + method + ": " + e.getMessage());
        }
        if (method.isVarArgs()) {
            handle = handle.asFixedArity();
        }
        MethodHandle invoker = handle.bindTo(instance)
                .asSpreader(Object[].class, method.getParameterCount())
                .asType(GENERIC);
        return new ServiceMethod(
                method.getName(),
                MethodNames.isStreaming(method.getName()),
                ArgumentBinder.of(method, mapping),
                invoker,
                replies);
    }

    public String name() {
        return name;
    }

    /** Whether this is a streaming method (named {@code ...Chan}, {@code ..._chan} or {@code chan}). */
    public boolean isStreaming() {
        return streaming;
    }

    /** The parameter list as in source, {@code (int a, int b)}. */
    public String signature() {
        return arguments.signature();
    }

    /**
     * Calls the method with the arguments of {@code rpc} on the calling thread.
     *
     * @return the result, or the error the method raised
     * @throws CallRejectedException when the arguments cannot be bound (the method is not called)
     */
    public RPCReply call(RPC rpc) {
        Object[] args = arguments.bind(rpc);
        Object result;
        try {
            result = (Object) invoker.invokeExact(args);
        } catch (Throwable thrown) {
            return failed(thrown);
        }
        return replies.result(name, result);
    }

    /** The exception and its causes with the service's frames only (the runtime's and gRPC's cut). */
    static String serviceTrace(Throwable thrown) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (Throwable t = thrown; t != null && depth++ < 10; t = t.getCause() == t ? null : t.getCause()) {
            text.append(t == thrown ? "" : "caused by: ").append(t).append(System.lineSeparator());
            for (StackTraceElement frame : t.getStackTrace()) {
                String className = frame.getClassName();
                if (className.startsWith("io.leveros.runtime.") || className.startsWith("java.lang.invoke.")) {
                    break;
                }
                text.append("\tat ").append(frame).append(System.lineSeparator());
            }
        }
        return text.toString();
    }

    private RPCReply failed(Throwable thrown) {
        Throwable cause = thrown;
        while (cause instanceof InvocationTargetException ite && ite.getCause() != null) {
            cause = ite.getCause();
        }
        if (!(cause instanceof LeverError)) {
            System.err.print("method '" + name + "' threw " + serviceTrace(cause));
        }
        return replies.error(cause);
    }
}
