package io.leveros.runtime.testservice;

import io.leveros.api.Lever;
import io.leveros.api.LeverError;
import io.leveros.api.LeverStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads {@code Lever.resource()} in every kind of method, and records the lifecycle calls. */
public class ResourceService {
    private final List<String> events = new CopyOnWriteArrayList<>();

    public void newResource() {
        events.add("new:" + Lever.resource());
    }

    public void closeResource() {
        events.add("close:" + Lever.resource());
    }

    /** The resource of this call ({@code ""} for a plain call). */
    public String resource() {
        return Lever.resource();
    }

    /** Fails after reading the resource: the value must still be cleared. */
    public String failWithResource() {
        throw new LeverError("failed for " + Lever.resource());
    }

    public List<String> resourceEvents() {
        return List.copyOf(events);
    }

    /** Sends the resource, then answers each message with {@code <resource>:<message>}. */
    public void resourceChan(LeverStream stream) {
        stream.send(Lever.resource());
        for (LeverStream.Message m : stream) {
            stream.send(Lever.resource() + ":" + m.as(String.class));
        }
    }
}
