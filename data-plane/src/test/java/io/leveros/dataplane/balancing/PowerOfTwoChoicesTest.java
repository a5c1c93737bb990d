package io.leveros.dataplane.balancing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PowerOfTwoChoicesTest {
    record Node(String name, int outstanding) implements Loaded {}

    @Test
    void oneCandidateIsPicked() {
        Node only = new Node("a", 100);
        assertThat(PowerOfTwoChoices.pick(List.of(only), 12345)).isSameAs(only);
    }

    @Test
    void theLessLoadedOfTheTwoChoicesWins() {
        List<Node> nodes = List.of(new Node("busy", 5), new Node("idle", 0));
        for (int random = 0; random < 100; random++) {
            assertThat(PowerOfTwoChoices.pick(nodes, random).name()).isEqualTo("idle");
        }
    }

    @Test
    void theTwoChoicesAreDistinctAndCoverEveryCandidate() {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            nodes.add(new Node("n" + i, 0));
        }
        Map<String, Integer> picks = new HashMap<>();
        for (int random = 0; random < 1000; random++) {
            picks.merge(PowerOfTwoChoices.pick(nodes, random).name(), 1, Integer::sum);
        }
        assertThat(picks).hasSize(5);
    }

    @Test
    void theMostLoadedIsNeverPickedAmongThree() {
        List<Node> nodes = List.of(new Node("a", 1), new Node("b", 9), new Node("c", 2));
        for (int random = 0; random < 100; random++) {
            assertThat(PowerOfTwoChoices.pick(nodes, random).name()).isNotEqualTo("b");
        }
        assertThat(PowerOfTwoChoices.minOutstanding(nodes)).isEqualTo(1);
    }
}
