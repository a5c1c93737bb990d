package io.leveros.controlplane.node;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.leveros.controlplane.security.FailedAuthentications;
import io.leveros.proto.control.RoutingGrpc;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a gRPC call through only with a valid node credential ({@code authorization: Bearer
 * lvn1...}, {@link NodeCredentials}); the services read the caller's node id from {@link #NODE}. A
 * call without one is closed with {@code UNAUTHENTICATED} before any service sees it, except {@code
 * JoinCluster}, which trades a join token for a credential ({@link ClusterJoin}) and is refused only
 * while its address is over the failure limit. A client
 * address that keeps failing gets {@code RESOURCE_EXHAUSTED}, unlogged, for its failed calls for a
 * while ({@link FailedAuthentications}, as the REST API); a valid credential always passes, so a local process that fails
 * on purpose cannot lock the data planes of its machine out.
 */
public final class NodeAuthentication implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(NodeAuthentication.class);

    /** The authenticated node id of the current call. */
    public static final Context.Key<String> NODE = Context.key("lever-node");

    /** The current call's node credential, to check it again later (a long stream outlives a revocation). */
    public static final Context.Key<String> CREDENTIAL = Context.key("lever-node-credential");

    /** The caller's address, for {@code JoinCluster} (which counts its own failures). */
    public static final Context.Key<String> CLIENT = Context.key("lever-client");

    /** The one call without a node credential: it trades a join token for one ({@link ClusterJoin}). */
    private static final String JOIN_CLUSTER =
            RoutingGrpc.getJoinClusterMethod().getFullMethodName();

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private final NodeCredentials credentials;
    private final FailedAuthentications failures;
    private final BiConsumer<String, String> onFailure;

    /** @param onFailure told of every refused call that is logged (for the audit log): client address, problem */
    public NodeAuthentication(
            NodeCredentials credentials, FailedAuthentications failures, BiConsumer<String, String> onFailure) {
        this.credentials = credentials;
        this.failures = failures;
        this.onFailure = onFailure;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        if (call.getMethodDescriptor().getFullMethodName().equals(JOIN_CLUSTER)) {
            String client = clientAddress(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
            if (!failures.retryAfter(client).isZero()) {
                return limited(call, client);
            }
            return Contexts.interceptCall(Context.current().withValue(CLIENT, client), call, headers, next);
        }
        String header = headers.get(AUTHORIZATION);
        String credential = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? header.substring(BEARER.length()).trim()
                : null;
        String node = credentials.verify(credential);
        if (node != null) {
            return Contexts.interceptCall(
                    Context.current().withValues(NODE, node, CREDENTIAL, credential), call, headers, next);
        }
        String client = clientAddress(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        if (!failures.retryAfter(client).isZero()) {
            return limited(call, client);
        }
        String problem = header == null
                ? "no 'authorization: Bearer <node credential>' metadata"
                : "the node credential is not valid (not issued by this cluster, altered, or its node was revoked)";
        failures.failed(client);
        log.warn("Refused {} from {}: {}", call.getMethodDescriptor().getFullMethodName(), client, problem);
        onFailure.accept(client, problem);
        call.close(
                Status.UNAUTHENTICATED.withDescription("the control plane takes calls from data planes only: "
                        + problem + "; give the data plane its credential with --node-credential-file (issue one "
                        + "with `lever nodes credential <node-id>`, or join with a join token: --join-token-file)"),
                new Metadata());
        return new ServerCall.Listener<>() {};
    }

    private static <Q, A> ServerCall.Listener<Q> limited(ServerCall<Q, A> call, String client) {
        call.close(
                Status.RESOURCE_EXHAUSTED.withDescription("too many failed authentications from " + client
                        + "; refused without a look for a minute (valid credentials still pass)"),
                new Metadata());
        return new ServerCall.Listener<>() {};
    }

    private static String clientAddress(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }
}
