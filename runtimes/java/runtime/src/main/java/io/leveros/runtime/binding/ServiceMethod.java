package io.leveros.runtime.binding;

import io.leveros.api.LeverError;
import io.leveros.api.LeverStream;
import io.leveros.api.TraceContext;
import io.leveros.api.internal.CurrentCall;
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
 *
 * <p>The method runs with the call's resource set for {@link io.leveros.api.Lever#resource()}, and
 * its trace context for {@link TraceContext#current()}, on the calling thread, both cleared when it
 * returns or throws.
 */
public final class ServiceMethod {
    private static final MethodType GENERIC = MethodType.methodType(Object.class, Object[].class);

    private final String name;
    private final boolean streaming;
    private final ArgumentBinder arguments;
    private final MethodHandle invoker;
    private final ReplyEncoder replies;
    private final StreamCodec streamCodec;

    private ServiceMethod(
            String name,
            boolean streaming,
            ArgumentBinder arguments,
            MethodHandle invoker,
            ReplyEncoder replies,
            StreamCodec streamCodec) {
        this.name = name;
        this.streaming = streaming;
        this.arguments = arguments;
        this.invoker = invoker;
        this.replies = replies;
        this.streamCodec = streamCodec;
    }

    static ServiceMethod compile(Method method, Object instance, JsonMapping mapping, ReplyEncoder replies) {
        return compile(method, instance, mapping, replies, new StreamCodec(mapping, replies));
    }

    /**
     * Compiles {@code method}.
     *
     * @throws StartFailure when a streaming method's first parameter is not a {@link LeverStream}
     */
    static ServiceMethod compile(
            Method method, Object instance, JsonMapping mapping, ReplyEncoder replies, StreamCodec streamCodec) {
        boolean streaming = MethodNames.isStreaming(method.getName());
        if (streaming && (method.getParameterCount() == 0 || method.getParameterTypes()[0] != LeverStream.class)) {
            throw new StartFailure("method '" + method.getName() + "' of "
                    + method.getDeclaringClass().getName()
                    + " is a streaming method (its name ends in Chan or _chan), so its first parameter must be"
                    + " io.leveros.api.LeverStream, got " + MethodTable.signature(method)
                    + "; add the stream parameter, or rename the method if it is not meant to stream");
        }
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
                streaming,
                ArgumentBinder.of(method, mapping, streaming ? 1 : 0),
                invoker,
                replies,
                streamCodec);
    }

    public String name() {
        return name;
    }

    /** Whether this is a streaming method (named {@code ...Chan}, {@code ..._chan} or {@code chan}). */
    public boolean isStreaming() {
        return streaming;
    }

    /** How many parameters the call binds (the stream of a streaming method not counted). */
    public int parameterCount() {
        return arguments.parameterCount();
    }

    /** The parameter list as in source, {@code (int a, int b)}. */
    public String signature() {
        return arguments.signature();
    }

    /** {@link #call(RPC, String)} for a call without a resource. */
    public RPCReply call(RPC rpc) {
        return call(rpc, "");
    }

    /**
     * Calls the method with the arguments of {@code rpc} on the calling thread, with {@code
     * resource} as {@link io.leveros.api.Lever#resource()} while it runs.
     *
     * @param resource the call's resource, {@code ""} for none
     * @return the result, or the error the method raised
     * @throws CallRejectedException when the arguments cannot be bound (the method is not called)
     */
    public RPCReply call(RPC rpc, String resource) {
        return call(rpc, resource, null);
    }

    /**
     * {@link #call(RPC, String)} with {@code trace} as {@link TraceContext#current()} while the
     * method runs.
     *
     * @param trace the call's trace context, {@code null} for none
     */
    public RPCReply call(RPC rpc, String resource, TraceContext trace) {
        Object[] args = arguments.bind(rpc);
        Object result;
        CurrentCall.enter(resource, trace);
        try {
            result = (Object) invoker.invokeExact(args);
        } catch (Throwable thrown) {
            return failed(thrown);
        } finally {
            CurrentCall.exit();
        }
        return replies.result(name, result);
    }

    /**
     * The Java arguments of a streaming call, with the stream's slot (the first) left empty.
     *
     * @throws CallRejectedException when the arguments cannot be bound
     */
    public Object[] bindStreaming(RPC rpc) {
        return arguments.bind(rpc);
    }

    /** {@link #callStreaming(LeverStream, Object[], String)} for a call without a resource. */
    public Throwable callStreaming(LeverStream stream, Object[] args) {
        return callStreaming(stream, args, "");
    }

    /**
     * Runs a streaming method on the calling thread with {@code stream} and the arguments from
     * {@link #bindStreaming}, with {@code resource} as {@link io.leveros.api.Lever#resource()} while
     * it runs; what it returns is ignored.
     *
     * @param resource the call's resource, {@code ""} for none
     * @return {@code null} when the method returned, else what it threw (reported on stderr unless a
     *     {@link LeverError}); the caller sends it as the stream's error message
     */
    public Throwable callStreaming(LeverStream stream, Object[] args, String resource) {
        return callStreaming(stream, args, resource, null);
    }

    /**
     * {@link #callStreaming(LeverStream, Object[], String)} with {@code trace} as {@link
     * TraceContext#current()} while the method runs.
     *
     * @param trace the call's trace context, {@code null} for none
     */
    public Throwable callStreaming(LeverStream stream, Object[] args, String resource, TraceContext trace) {
        args[0] = stream;
        CurrentCall.enter(resource, trace);
        try {
            Object ignored = (Object) invoker.invokeExact(args);
            return null;
        } catch (Throwable thrown) {
            Throwable cause = thrown;
            while (cause instanceof InvocationTargetException ite && ite.getCause() != null) {
                cause = ite.getCause();
            }
            if (!(cause instanceof LeverError)) {
                System.err.print("method '" + name + "' threw " + serviceTrace(cause));
            }
            return cause;
        } finally {
            CurrentCall.exit();
        }
    }

    /** How this method's stream messages are encoded and decoded. */
    public StreamCodec streamCodec() {
        return streamCodec;
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
