package io.leveros.runtime.server;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.leveros.core.url.LeverUrl;
import io.leveros.proto.core.LeverRPCGrpc;
import io.leveros.proto.core.RPC;
import io.leveros.proto.core.RPCReply;
import io.leveros.proto.core.StreamMessage;
import io.leveros.runtime.binding.CallRejectedException;
import io.leveros.runtime.binding.MethodTable;
import io.leveros.runtime.binding.ServiceMethod;
import java.util.concurrent.Executor;

/**
 * {@code core.LeverRPC} over a {@link MethodTable}. Handlers run on virtual threads (the server's
 * executor), so a service method may block. The resource of the call's {@code lever-url} and its
 * trace context are handed to the method, which sets them for {@code Lever.resource()} and {@code
 * TraceContext.current()} while the handler runs.
 */
final class LeverRpcService extends LeverRPCGrpc.LeverRPCImplBase {
    private final MethodTable table;
    private final Executor handlers;

    /** @param handlers runs the streaming methods, one (virtual) thread each */
    LeverRpcService(MethodTable table, Executor handlers) {
        this.table = table;
        this.handlers = handlers;
    }

    @Override
    public void handleRPC(RPC request, StreamObserver<RPCReply> replies) {
        LeverUrl url = LeverUrlInterceptor.URL.get();
        RPCReply reply;
        try {
            ServiceMethod method = table.find(url.method(), url.service());
            if (method.isStreaming()) {
                throw new CallRejectedException(
                        CallRejectedException.Reason.WRONG_CALL_TYPE,
                        "method '" + method.name() + "' is a streaming method (its name ends in Chan or _chan):"
                                + " call it with HandleStreamingRPC (invokeChan in the clients)");
            }
            reply = method.call(request, url.resource(), TraceContextInterceptor.TRACE.get());
        } catch (CallRejectedException e) {
            replies.onError(status(e).asRuntimeException());
            return;
        }
        replies.onNext(reply);
        replies.onCompleted();
    }

    @Override
    public StreamObserver<StreamMessage> handleStreamingRPC(StreamObserver<StreamMessage> replies) {
        LeverUrl url = LeverUrlInterceptor.URL.get();
        try {
            ServiceMethod method = table.find(url.method(), url.service());
            if (!method.isStreaming()) {
                throw new CallRejectedException(
                        CallRejectedException.Reason.WRONG_CALL_TYPE,
                        "method '" + method.name() + "' is not a streaming method: call it with HandleRPC"
                                + " (invoke in the clients)");
            }
            return ServerStream.accept(replies, method, url.resource(), TraceContextInterceptor.TRACE.get(), handlers);
        } catch (CallRejectedException e) {
            replies.onError(status(e).asRuntimeException());
        }
        return new StreamObserver<>() {
            @Override
            public void onNext(StreamMessage value) {}

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        };
    }

    /** Initialises the protobuf and gRPC classes a first call needs, off the critical path. */
    static void warmUp() {
        LeverRPCGrpc.getServiceDescriptor();
        RPCReply.getDefaultInstance();
        StreamMessage.getDefaultInstance();
        io.leveros.core.json.JsonValues.nullValue();
    }

    static Status status(CallRejectedException e) {
        Status status =
                switch (e.reason()) {
                    case METHOD_NOT_FOUND -> Status.NOT_FOUND;
                    case INVALID_ARGUMENTS -> Status.INVALID_ARGUMENT;
                    case WRONG_CALL_TYPE -> Status.FAILED_PRECONDITION;
                };
        return status.withDescription(e.getMessage());
    }
}
