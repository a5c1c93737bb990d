package io.leveros.controlplane.store;

import io.leveros.controlplane.ControlPlaneException;
import io.leveros.controlplane.ErrorCode;
import org.springframework.dao.DataAccessException;

/** The one wording of "Redis cannot be reached", for the store and for what other packages keep in Redis. */
public final class RedisFailures {
    private RedisFailures() {}

    /**
     * {@code STORE_UNAVAILABLE} (503) naming what could not be done, the address and what to check.
     *
     * @param what e.g. "the metadata store", "the token list"
     */
    public static ControlPlaneException unavailable(String what, String address, DataAccessException e) {
        return new ControlPlaneException(
                ErrorCode.STORE_UNAVAILABLE,
                what + " at " + address + " cannot be reached ("
                        + e.getMostSpecificCause().getMessage()
                        + "): check that redis-server runs there and that this host can connect to it "
                        + "(setting lever.store)",
                e);
    }
}
