package io.leveros.dataplane.balancing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceRoomTest {
    record Host(String name, int boundResources, int outstanding, boolean draining) implements ResourceHost {
        static Host of(String name, int boundResources, int outstanding) {
            return new Host(name, boundResources, outstanding, false);
        }
    }

    /**
     * Every rotation of {@code hosts}, each 20 times: the answer must not depend on where a host sits
     * in the list, and a random choice passes all of them with a chance below one in a million.
     */
    private static List<List<Host>> rotations(Host... hosts) {
        List<List<Host>> rotations = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < hosts.length; i++) {
                List<Host> rotated = new ArrayList<>(List.of(hosts));
                Collections.rotate(rotated, i);
                rotations.add(rotated);
            }
        }
        return rotations;
    }

    @Test
    void aNewResourceGoesToTheInstanceHoldingFewestEvenWhenItIsTheBusiest() {
        for (List<Host> hosts : rotations(Host.of("two", 2, 0), Host.of("none", 0, 9), Host.of("one", 1, 0))) {
            assertThat(ResourceRoom.roomiest(hosts, 0).name()).as("%s", hosts).isEqualTo("none");
        }
    }

    @Test
    void amongInstancesHoldingAsManyTheLeastBusyTakesTheResource() {
        for (List<Host> hosts : rotations(Host.of("busy", 1, 4), Host.of("idle", 1, 0), Host.of("more", 2, 0))) {
            assertThat(ResourceRoom.roomiest(hosts, 0).name()).as("%s", hosts).isEqualTo("idle");
        }
    }

    @Test
    void fullAndDrainingInstancesTakeNoNewResource() {
        for (List<Host> hosts :
                rotations(Host.of("full", 3, 0), new Host("draining", 0, 0, true), Host.of("room", 2, 7))) {
            assertThat(ResourceRoom.roomiest(hosts, 3).name()).as("%s", hosts).isEqualTo("room");
        }
        assertThat(ResourceRoom.roomiest(List.of(Host.of("full", 3, 0), new Host("draining", 0, 0, true)), 3))
                .as("no room anywhere")
                .isNull();
        assertThat(ResourceRoom.roomiest(List.<Host>of(), 3)).isNull();
        assertThat(ResourceRoom.roomiest(List.of(Host.of("many", 1_000, 0)), 0).name())
                .as("0 = no limit")
                .isEqualTo("many");
    }

    @Test
    void aTieGoesToTheFirstInListOrder() {
        assertThat(ResourceRoom.roomiest(List.of(Host.of("a", 1, 1), Host.of("b", 1, 1)), 0)
                        .name())
                .isEqualTo("a");
    }

    @Test
    void scaleDownTakesInstancesWithoutResourcesFirstThenTheLeastBusy() {
        for (List<Host> hosts : rotations(
                Host.of("bound", 1, 0), Host.of("busy", 0, 3), Host.of("quiet", 0, 1), Host.of("mostBound", 2, 0))) {
            assertThat(ResourceRoom.toScaleDown(hosts, 3))
                    .as("%s", hosts)
                    .extracting(Host::name)
                    .containsExactly("quiet", "busy", "bound");
        }
    }

    @Test
    void scaleDownLeavesTheCandidatesAlone() {
        List<Host> hosts = new ArrayList<>(List.of(Host.of("b", 1, 0), Host.of("a", 0, 0)));
        assertThat(ResourceRoom.toScaleDown(hosts, 1)).extracting(Host::name).containsExactly("a");
        assertThat(hosts).extracting(Host::name).containsExactly("b", "a");
        assertThat(ResourceRoom.toScaleDown(hosts, 0)).isEmpty();
    }
}
