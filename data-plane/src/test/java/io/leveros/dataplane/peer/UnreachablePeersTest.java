package io.leveros.dataplane.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UnreachablePeersTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final UnreachablePeers unreachable = new UnreachablePeers(now::get);
    private final Peer a = new Peer("a", Peer.address("10.0.0.2:3500"), 1);
    private final Peer b = new Peer("b", Peer.address("10.0.0.3:3500"), 1);

    @Test
    void whileNoNodeIsHeldOutThePeersAreTheSameList() {
        List<Peer> peers = List.of(a, b);
        assertThat(unreachable.reachable(peers)).isSameAs(peers);
    }

    @Test
    void aNodeThatCouldNotBeReachedIsLeftOutUntilItsHoldEnds() {
        unreachable.markUnreachable("a");
        assertThat(unreachable.reachable(List.of(a, b))).containsExactly(b);

        now.addAndGet(UnreachablePeers.HOLD_NANOS - 1);
        assertThat(unreachable.reachable(List.of(a, b))).containsExactly(b);

        now.addAndGet(1);
        assertThat(unreachable.reachable(List.of(a, b))).containsExactly(a, b);
    }
}
