package io.leveros.runtime.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Answers a request message that is not valid protobuf with {@code INVALID_ARGUMENT} and says so.
 *
 * <p>grpc-java parses a request just before handing it to the call's listener, and any exception there
 * closes the call with {@code UNKNOWN} "Application error processing RPC", as if the service had failed.
 * Here the service takes its messages as raw streams ({@link ServerInterceptors#useInputStreamMessages}),
 * so the parse runs inside the listener this interceptor wraps, where its failure can be told apart:
 * the protobuf marshaller reports it as a {@link StatusRuntimeException} caused by an {@link
 * InvalidProtocolBufferException}. Runs on the call's serialised executor.
 */
final class MalformedRequests implements ServerInterceptor {

    /** {@code service}, with malformed requests answered {@code INVALID_ARGUMENT}. */
    static ServerServiceDefinition answered(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(
                ServerInterceptors.useInputStreamMessages(service), new MalformedRequests());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                try {
                    super.onMessage(message);
                } catch (StatusRuntimeException e) {
                    if (!(e.getCause() instanceof InvalidProtocolBufferException invalid)) {
                        throw e;
                    }
                    refused = true;
                    call.close(
                            Status.INVALID_ARGUMENT.withDescription("the request of "
                                    + call.getMethodDescriptor().getFullMethodName() + " is not a valid protobuf "
                                    + "message (" + invalid.getMessage() + "; expected: a serialized core.RPC, or "
                                    + "core.StreamMessage for a stream, as the data plane sends)"),
                            new Metadata());
                    super.onCancel(); // a stream's handler stops as when the client cancels
                }
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }
        };
    }
}
