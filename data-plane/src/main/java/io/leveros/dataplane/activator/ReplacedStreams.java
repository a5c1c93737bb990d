package io.leveros.dataplane.activator;

import io.leveros.dataplane.routing.ServiceRoute;

/** Who ends the streams still open on a replaced version once its {@code upgradeStreamGrace} ran out. */
public interface ReplacedStreams {
    ReplacedStreams NONE = (replaced, liveVersion) -> 0;

    /** Ends every stream open here on {@code replaced}, saying {@code liveVersion} replaced it; answers how many. */
    int endReplaced(ServiceRoute replaced, long liveVersion);
}
