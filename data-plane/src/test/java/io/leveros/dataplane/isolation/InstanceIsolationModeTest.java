package io.leveros.dataplane.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How instances are isolated, decided from who runs the data plane, and the ids they get. */
class InstanceIsolationModeTest {
    @Test
    void rootRunsEachInstanceAsItsOwnUser() {
        assertThat(InstanceIsolation.decide(0, true, false)).isEqualTo(InstanceIsolation.Mode.SEPARATE_USERS);
        assertThat(InstanceIsolation.decide(0, true, true)).isEqualTo(InstanceIsolation.Mode.SEPARATE_USERS);
    }

    @Test
    void anotherUserRunsInstancesAsItselfAndSaysWhatThatLeavesOpen() {
        assertThat(InstanceIsolation.decide(1000, true, false)).isEqualTo(InstanceIsolation.Mode.SAME_USER);
        assertThat(InstanceIsolation.sameUserWarning(1000, true))
                .contains("NOT isolated", "uid 1000", "admin token", "sudo lever up", "--require-instance-isolation");
    }

    @Test
    void requiredIsolationRefusesToRunAsAnotherUser() {
        assertThatThrownBy(() -> InstanceIsolation.decide(1000, true, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--require-instance-isolation")
                .hasMessageContaining("uid 1000, not root")
                .hasMessageContaining("sudo lever up");
    }

    @Test
    void rootWithoutSetprivRefusesRatherThanRunInstancesAsRoot() {
        assertThatThrownBy(() -> InstanceIsolation.decide(0, false, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/usr/bin/setpriv")
                .hasMessageContaining("as root");
    }

    @Test
    void idRangesAreParsedAndChecked() {
        assertThat(IdRange.parse("--instance-uids", "2000000-2999999")).isEqualTo(IdRange.DEFAULT);
        assertThatThrownBy(() -> IdRange.parse("--instance-uids", "5-3"))
                .hasMessage("--instance-uids: instance ids 5-3 (expected: FIRST-LAST with 10000 <= FIRST <= LAST,"
                        + " ids no account uses, e.g. 2000000-2999999)");
        assertThatThrownBy(() -> IdRange.parse("--instance-uids", "many"))
                .hasMessage(
                        "--instance-uids: 'many' (expected: FIRST-LAST, ids no account uses, e.g. 2000000-2999999)");
    }

    @Test
    void idsMustBeMappedInTheDataPlanesUserNamespace() {
        IdRangeChecks.mapped(IdRange.DEFAULT, "uid", List.of("         0          0 4294967295"));
        List<String> rootless = List.of("0 1000 1", "1 100000 65536");
        IdRangeChecks.mapped(new IdRange(10_000, 65_536), "uid", rootless);
        assertThatThrownBy(() -> IdRangeChecks.mapped(IdRange.DEFAULT, "gid", rootless))
                .hasMessage("--instance-uids 2000000-2999999: this data plane's user namespace maps only the gids 0-0,"
                        + " 1-65536 (/proc/self/gid_map), so instances could not switch to these; pass"
                        + " --instance-uids a range inside 0-0 or 1-65536");
    }

    @Test
    void idsMustNotBeAUsersSubordinateIds() {
        IdRangeChecks.notSubordinate(IdRange.DEFAULT, "uid", List.of("alice:100000:65536", "bob:165536:65536"));
        assertThatThrownBy(() -> IdRangeChecks.notSubordinate(
                        new IdRange(150_000, 200_000), "uid", List.of("alice:100000:65536", "bob:165536:65536")))
                .hasMessageStartingWith("--instance-uids 150000-200000: 100000-165535 of them are subordinate uids of"
                        + " user alice (/etc/subuid)");
    }

    @Test
    void idsOthersUseAreNotHandedOut() {
        IdAllocator ids = new IdAllocator(new IdRange(10_000, 10_009), () -> Set.of(10_000, 10_001, 10_002, 10_003));
        for (int i = 0; i < 5; i++) {
            assertThat(ids.allocate()).isBetween(10_004, 10_009);
        }
    }

    @Test
    void idsOfRunningProcessesAreInUse() {
        Set<Integer> inUse = new IdsInUse(Path.of("/nonexistent")).now();
        assertThat(inUse).as("this process's uid").contains(InstanceIsolation.effectiveUid());
    }

    @Test
    void idsInUseAreNeverHandedOutTwice() {
        IdAllocator ids = new IdAllocator(new IdRange(10_000, 10_009), Set::of);
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            assertThat(taken.add(ids.allocate())).isTrue();
        }
        assertThat(taken).allMatch(id -> id >= 10_000 && id <= 10_009);
        assertThatThrownBy(ids::allocate).hasMessageContaining("give it a wider range");
        ids.release(taken.iterator().next());
        assertThat(ids.allocate()).isBetween(10_000, 10_009);
    }
}
