package io.leveros.dataplane.instance;

import io.leveros.dataplane.logs.LogFormat;
import io.leveros.dataplane.logs.LogSource;
import io.leveros.dataplane.logs.NodeLogs;
import java.util.function.Consumer;

/**
 * Where instances' output goes, whatever runs them: the platform's log (each line as {@code format}
 * writes it) and the node's per-instance logs ({@code lever logs}).
 */
public record InstanceOutput(Consumer<String> logSink, LogFormat format, NodeLogs logs) {
    /** The capture of one instance's output; tell it {@link OutputCapture#instanceExited()} when it is gone. */
    public OutputCapture open(InstanceSpec spec) {
        LogSource source = new LogSource(
                spec.environmentName(), spec.service(), spec.version().getVersion(), spec.instanceId());
        return new OutputCapture(
                spec.logPrefix(),
                (stream, line) -> logSink.accept(format.instanceLine(source, spec.logPrefix(), stream, line)),
                logs.open(source));
    }
}
