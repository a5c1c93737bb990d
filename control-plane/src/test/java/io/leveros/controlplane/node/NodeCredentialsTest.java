package io.leveros.controlplane.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeCredentialsTest {
    @TempDir
    Path dataDir;

    @Test
    void aCredentialNamesItsNodeAndNothingElsePasses() {
        NodeCredentials credentials = NodeCredentials.load(dataDir, Clock.systemUTC());
        String credential = credentials.issue("node-2");
        assertThat(credentials.verify(credential)).isEqualTo("node-2");
        String mac = credential.substring(credential.lastIndexOf('.') + 1);
        String timeAndMac = credential.substring(credential.indexOf('.', "lvn1.".length()));
        assertThat(credentials.verify("lvn1.node-3" + timeAndMac))
                .as("another node's name")
                .isNull();
        assertThat(credentials.verify(credential.replace(mac, mac.substring(1) + "A")))
                .as("an altered MAC")
                .isNull();
        assertThat(credentials.verify(null)).isNull();
        assertThat(credentials.verify("")).isNull();
        assertThat(credentials.verify("lvn1.")).isNull();
        assertThat(credentials.verify("lvn1..1.x")).isNull();
        assertThat(credentials.verify("Bearer " + credential)).isNull();
    }

    @Test
    void anotherClustersCredentialIsRefused(@TempDir Path otherDataDir) {
        NodeCredentials ours = NodeCredentials.load(dataDir, Clock.systemUTC());
        NodeCredentials theirs = NodeCredentials.load(otherDataDir, Clock.systemUTC());
        assertThat(ours.verify(theirs.issue("local"))).isNull();
        assertThat(ours.forwardingKey()).isNotEqualTo(theirs.forwardingKey());
    }

    @Test
    void theKeyIsOwnerOnlyAndSurvivesARestart() throws Exception {
        String credential = NodeCredentials.load(dataDir, Clock.systemUTC()).issue("local");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("cluster.key"))))
                .isEqualTo("rw-------");
        NodeCredentials restarted = NodeCredentials.load(dataDir, Clock.systemUTC());
        assertThat(restarted.verify(credential)).isEqualTo("local");
        assertThat(restarted.forwardingKey())
                .isEqualTo(NodeCredentials.load(dataDir, Clock.systemUTC()).forwardingKey());
    }

    @Test
    void revokingRefusesEarlierCredentialsAcrossRestartsButNotLaterOnes() {
        Clock at1000 = Clock.fixed(Instant.ofEpochSecond(1_000), ZoneOffset.UTC);
        NodeCredentials credentials = NodeCredentials.load(dataDir, at1000);
        String before = credentials.issue("node-2");
        String otherNode = credentials.issue("node-3");
        credentials.revoke("node-2");
        assertThat(credentials.verify(before)).isNull();
        assertThat(credentials.verify(otherNode)).isEqualTo("node-3");
        String after = credentials.issue("node-2"); // same second as the revocation
        assertThat(credentials.verify(after)).isEqualTo("node-2");
        NodeCredentials restarted = NodeCredentials.load(dataDir, at1000);
        assertThat(restarted.verify(before)).isNull();
        assertThat(restarted.verify(after)).isEqualTo("node-2");
    }

    @Test
    void badNodeIdsAreRefusedNamingTheExpectedForm() {
        NodeCredentials credentials = NodeCredentials.load(dataDir, Clock.systemUTC());
        for (String bad : new String[] {"", "a.b", "-x", "x".repeat(64), "a b", "é"}) {
            assertThatThrownBy(() -> credentials.issue(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("expected: 1-63 letters");
        }
    }
}
