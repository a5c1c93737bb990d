package io.leveros.dataplane.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks at start that the ids of {@code --instance-uids} can be given to instances and belong to
 * no one else: they must be mapped in this process's user namespace ({@code /proc/self/uid_map},
 * {@code gid_map}; in a rootless container root can switch to those only, and every start would
 * fail), and must not be subordinate ids of a user ({@code /etc/subuid}, {@code /etc/subgid}), whose
 * rootless containers' files and processes they would share.
 */
final class IdRangeChecks {
    private IdRangeChecks() {}

    /** @throws IllegalStateException saying which ids to choose instead */
    static void check(IdRange range) {
        for (String kind : List.of("uid", "gid")) {
            lines(Path.of("/proc/self/" + kind + "_map")).ifPresent(map -> mapped(range, kind, map));
            lines(Path.of("/etc/sub" + kind)).ifPresent(subordinate -> notSubordinate(range, kind, subordinate));
        }
    }

    static void mapped(IdRange range, String kind, List<String> map) {
        List<String> mapped = new ArrayList<>();
        for (String line : map) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 3) {
                long first = Long.parseLong(fields[0]);
                long last = first + Long.parseLong(fields[2]) - 1;
                if (range.first() >= first && range.last() <= last) {
                    return;
                }
                mapped.add(first + "-" + last);
            }
        }
        throw new IllegalStateException("--instance-uids " + range + ": this data plane's user namespace maps only the "
                + kind + "s " + String.join(", ", mapped) + " (/proc/self/" + kind + "_map), so instances could not"
                + " switch to these; pass --instance-uids a range inside " + String.join(" or ", mapped));
    }

    /** {@code subordinate}: lines {@code user:first:count} of {@code /etc/subuid} or {@code /etc/subgid}. */
    static void notSubordinate(IdRange range, String kind, List<String> subordinate) {
        for (String line : subordinate) {
            String[] fields = line.trim().split(":");
            if (fields.length == 3) {
                long first = Long.parseLong(fields[1].trim());
                long last = first + Long.parseLong(fields[2].trim()) - 1;
                if (range.first() <= last && first <= range.last()) {
                    throw new IllegalStateException("--instance-uids " + range + ": " + first + "-" + last
                            + " of them are subordinate " + kind + "s of user " + fields[0] + " (/etc/sub" + kind
                            + "), used by that user's rootless containers; pass --instance-uids a range no line of"
                            + " /etc/subuid or /etc/subgid overlaps");
                }
            }
        }
    }

    private static Optional<List<String>> lines(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readAllLines(file)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // unreadable: setpriv says so at the first start if it matters
        }
    }
}
