package io.leveros.dataplane.placement;

import io.leveros.dataplane.call.CallException;
import io.leveros.dataplane.call.ErrorCode;
import io.vertx.core.http.HttpHeaders;

/**
 * The fence between nodes: a call forwarded to the node that owns its resource carries the epoch
 * of the binding the sender knows ({@code lever-resource-epoch}), and the owner delivers it only
 * with the epoch it holds itself (docs/resources.md).
 */
public final class ResourceEpoch {
    public static final CharSequence HEADER = HttpHeaders.createOptimized("lever-resource-epoch");

    private ResourceEpoch() {}

    /** The epoch a forwarded call carries; 0 when it carries none. */
    public static long parse(String header) {
        if (header == null) {
            return 0;
        }
        try {
            long epoch = Long.parseLong(header);
            if (epoch > 0) {
                return epoch;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new CallException(
                ErrorCode.MALFORMED_REQUEST,
                "invalid lever-resource-epoch '" + header + "' (expected: a positive whole number)");
    }

    /** The refusal a node answers for a call whose binding it does not hold. */
    static CallException refused(String resource, long sent, String why) {
        return new CallException(
                ErrorCode.RESOURCE_MOVED,
                "resource '" + resource + "' moved: the call carried binding epoch " + sent + ", " + why);
    }

    /** The refusal as the sending node sees it, from the owner's status message. */
    public static CallException moved(String message) {
        return new CallException(ErrorCode.RESOURCE_MOVED, message == null ? "the resource moved" : message);
    }
}
