package io.leveros.dataplane.routing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A service's calls split between versions ({@code lever traffic}): a plain call goes to each with its
 * percent's chance; a call for a resource always to the same one, by the resource's hash, so a resource
 * lives on one version.
 *
 * @param routes the versions' routes
 * @param upTo for each route, the sum of the percents up to and including its own (the last is 100)
 */
record TrafficSplit(List<ServiceRoute> routes, int[] upTo) {

    /** The version for one call; {@code resource} empty for a plain call. */
    ServiceRoute pick(String resource) {
        int bucket = resource.isEmpty()
                ? ThreadLocalRandom.current().nextInt(100)
                : Math.floorMod(mix(resource.hashCode()), 100);
        for (int i = 0; i < upTo.length; i++) {
            if (bucket < upTo[i]) {
                return routes.get(i);
            }
        }
        return routes.getLast();
    }

    /** Spreads similar hash codes (resource names that differ in one character) over the buckets. */
    private static int mix(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
