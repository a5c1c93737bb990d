package io.leveros.runtime.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.leveros.core.url.InvalidLeverUrlException;
import io.leveros.core.url.LeverUrl;
import io.leveros.core.url.LeverUrlHeader;

/**
 * Reads the call's destination from the {@code lever-url} metadata header into the gRPC {@link
 * Context} ({@link #URL}), the resource unescaped ({@link LeverUrlHeader}); a call without a valid
 * one is refused with {@code INVALID_ARGUMENT}.
 * Runs on the transport thread, before the handler.
 */
public final class LeverUrlInterceptor implements ServerInterceptor {
    /** The header every call carries: {@code lever://env/service/[resource]/method}. */
    public static final Metadata.Key<String> LEVER_URL_HEADER =
            Metadata.Key.of("lever-url", Metadata.ASCII_STRING_MARSHALLER);

    /** The parsed URL of the current call. */
    static final Context.Key<LeverUrl> URL = Context.key("lever-url");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String text = headers.get(LEVER_URL_HEADER);
        if (text == null) {
            return refuse(
                    call,
                    "the call has no lever-url header (expected: lever://<env>/<service>/<method> naming the method"
                            + " to call)");
        }
        LeverUrl url;
        try {
            url = LeverUrlHeader.parse(text);
        } catch (InvalidLeverUrlException e) {
            return refuse(call, "lever-url header: " + e.getMessage());
        }
        return Contexts.interceptCall(Context.current().withValue(URL, url), call, headers, next);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String message) {
        call.close(Status.INVALID_ARGUMENT.withDescription(message), new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
