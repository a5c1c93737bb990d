package io.leveros.runtime.testservice;

import io.leveros.api.LeverStream;
import io.leveros.api.TraceContext;
import io.leveros.client.LeverClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Answers the trace context each kind of method sees, and calls out through the internal gateway
 * ({@code LEVEROS_INTERNAL_RPC_GATEWAY}, the client's default inside an instance) so that a test can
 * check what the call carried.
 */
public class TraceService {
    private final LeverClient client = LeverClient.create();

    /** {@code {"traceparent", "tracestate", "traceId", "parentId"}}; empty when the call has none. */
    public Map<String, String> traceContext() {
        return describe(TraceContext.current().orElse(null));
    }

    /** Calls {@code /<service>/<method>} through the gateway: {@code {"own", "callee"}}. */
    public Map<String, Object> callOut(String service, String method) {
        Map<String, Object> both = new LinkedHashMap<>();
        both.put("own", traceContext());
        both.put("callee", client.invokeUrl(Object.class, "/" + service + "/" + method));
        return both;
    }

    /** Like {@link #callOut} from a thread of another executor, the task wrapped or not. */
    public Object callOutFromAnotherThread(String service, String method, boolean wrap) throws Exception {
        try (ExecutorService other = Executors.newSingleThreadExecutor()) {
            Callable<Object> call = () -> client.invokeUrl(Object.class, "/" + service + "/" + method);
            return other.submit(wrap ? TraceContext.wrap(call) : call).get();
        }
    }

    /** Sends its trace context, then for each message calls {@code /<service>/<message>} out. */
    public void traceChan(LeverStream stream, String service) {
        stream.send(traceContext());
        for (LeverStream.Message message : stream) {
            stream.send(client.invokeUrl(Object.class, "/" + service + "/" + message.as(String.class)));
        }
    }

    private static Map<String, String> describe(TraceContext trace) {
        Map<String, String> seen = new LinkedHashMap<>();
        if (trace != null) {
            seen.put("traceparent", trace.traceparent());
            seen.put("tracestate", trace.tracestate());
            seen.put("traceId", trace.traceId());
            seen.put("parentId", trace.parentId());
        }
        return seen;
    }
}
