package io.leveros.dataplane.balancing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where resources fit: a new resource goes to the instance that holds the fewest (then the least
 * busy) under {@code maxResourcesPerInstance}, and instances are scaled down in the same order, so
 * a scale-down closes as few resources and cuts as few calls as it can. Plain calls are balanced by
 * {@link PowerOfTwoChoices} instead: they do not stay on an instance.
 */
public final class ResourceRoom {
    private static final Comparator<ResourceHost> FEWEST_BOUND_THEN_LEAST_BUSY =
            Comparator.comparingInt(ResourceHost::boundResources).thenComparingInt(ResourceHost::outstanding);

    private ResourceRoom() {}

    /**
     * The candidate with room for one more resource that holds the fewest, then has the fewest calls
     * in flight, the first in list order on a tie; {@code null} when every candidate drains or holds
     * {@code maxResourcesPerInstance} (0 = no limit). No allocation.
     */
    public static <T extends ResourceHost> T roomiest(List<T> candidates, int maxResourcesPerInstance) {
        T best = null;
        for (int i = 0; i < candidates.size(); i++) {
            T candidate = candidates.get(i);
            if (candidate.draining()
                    || (maxResourcesPerInstance > 0 && candidate.boundResources() >= maxResourcesPerInstance)) {
                continue;
            }
            if (best == null
                    || candidate.boundResources() < best.boundResources()
                    || (candidate.boundResources() == best.boundResources()
                            && candidate.outstanding() < best.outstanding())) {
                best = candidate;
            }
        }
        return best;
    }

    /**
     * The first {@code count} candidates to scale down: fewest bound resources first, then fewest
     * calls in flight, list order on a tie.
     */
    public static <T extends ResourceHost> List<T> toScaleDown(List<T> candidates, int count) {
        List<T> ordered = new ArrayList<>(candidates);
        ordered.sort(FEWEST_BOUND_THEN_LEAST_BUSY);
        return ordered.subList(0, count);
    }
}
