package io.leveros.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

class ControlPlanesTest {

    @Test
    void aListKeepsItsOrderAndRoutesComeFromTheFirstUntilAnotherDeliversOne() {
        ControlPlanes planes = ControlPlanes.parse("--control-plane", "10.0.0.1:8091, cp-b:9091");
        assertThat(planes.all())
                .containsExactly(
                        SocketAddress.inetSocketAddress(8091, "10.0.0.1"),
                        SocketAddress.inetSocketAddress(9091, "cp-b"));
        assertThat(planes.routesFrom()).isEqualTo(planes.all().getFirst());
        planes.routesFrom(planes.all().get(1));
        assertThat(planes.routesFrom()).isEqualTo(SocketAddress.inetSocketAddress(9091, "cp-b"));
    }

    @Test
    void aBadEntryIsNamedWithWhatWasExpected() {
        assertThatThrownBy(() -> ControlPlanes.parse("--control-plane", "a:8091,b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--control-plane: 'a:8091,b': 'b' is not an address (expected: HOST:PORT[,HOST:PORT...],"
                        + " port 1-65535, e.g. 10.0.0.1:8091,10.0.0.2:8091)");
        assertThatThrownBy(() -> ControlPlanes.parse("--control-plane", "a:8091,"))
                .hasMessageContaining("'' is not an address");
        assertThatThrownBy(() -> ControlPlanes.parse("--control-plane", "a:0"))
                .hasMessageContaining("'a:0' is not an address");
        assertThatThrownBy(() -> ControlPlanes.parse("--control-plane", "a:8091,a:8091"))
                .hasMessage("--control-plane: 'a:8091,a:8091' names a:8091 twice (expected: each control plane once)");
    }
}
