package io.leveros.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.leveros.controlplane.audit.AuditEntry.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void appendsJsonLinesAndKeepsTheNewestInMemory() throws IOException {
        Path file = dir.resolve("audit.log");
        try (AuditLog audit = AuditLog.open(file, 2, CLOCK)) {
            audit.record("root", "environment.create", "a.lever", "127.0.0.1", Outcome.OK, null);
            audit.record("ci", "deploy", "dev.lever", "10.0.0.7", Outcome.REFUSED, "FORBIDDEN: no");
            audit.record(null, "authenticate", "GET /api/v1/tokens", "10.0.0.8", Outcome.REFUSED, "UNAUTHORIZED: x");

            assertThat(audit.newest(10)).extracting(AuditEntry::action).containsExactly("authenticate", "deploy");
            assertThat(audit.newest(1)).extracting(AuditEntry::address).containsExactly("10.0.0.8");
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1))
                .isEqualTo(
                        "{\"at\":\"2026-12-02T10:00:00Z\",\"actor\":\"ci\",\"action\":\"deploy\",\"target\":\"dev.lever\","
                                + "\"address\":\"10.0.0.7\",\"outcome\":\"refused\",\"detail\":\"FORBIDDEN: no\"}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void readsItsNewestEntriesBackAfterARestartSkipsATornLineAndTightensTheMode() throws IOException {
        Path file = dir.resolve("audit.log");
        try (AuditLog audit = AuditLog.open(file, 10, CLOCK)) {
            audit.record("root", "token.create", "ci", "127.0.0.1", Outcome.OK, "scope read []");
        }
        Files.writeString(file, "{\"at\":\"2026-12-02T10:", StandardOpenOption.APPEND);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try (AuditLog audit = AuditLog.open(file, 10, CLOCK)) {
            assertThat(audit.newest(10))
                    .containsExactly(new AuditEntry(
                            CLOCK.instant(), "root", "token.create", "ci", "127.0.0.1", Outcome.OK, "scope read []"));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .as("tightened")
                .isEqualTo("rw-------");
    }
}
