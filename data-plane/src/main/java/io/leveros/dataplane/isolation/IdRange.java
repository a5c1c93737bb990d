package io.leveros.dataplane.isolation;

/**
 * The user and group ids the platform gives instances ({@code --instance-uids}): numbers no
 * account on the machine uses, so that an instance shares its uid with nobody. No passwd entries
 * are needed.
 */
public record IdRange(int first, int last) {
    /**
     * The default: a million ids far above those of accounts, and above the subordinate ids of the
     * first 29 users of a machine (100000 + 65536 each); {@link IdRangeChecks} says at start when a
     * machine needs another range.
     */
    public static final IdRange DEFAULT = new IdRange(2_000_000, 2_999_999);

    /** The lowest id accepted: below it live the system's and people's accounts. */
    static final int LOWEST = 10_000;

    public IdRange {
        if (first < LOWEST || last < first) {
            throw new IllegalArgumentException("instance ids " + first + "-" + last
                    + " (expected: FIRST-LAST with " + LOWEST + " <= FIRST <= LAST, ids no account uses, e.g. "
                    + DEFAULT + ")");
        }
    }

    /** {@code FIRST-LAST}, e.g. {@code 2000000-2999999}. */
    public static IdRange parse(String name, String value) {
        int dash = value.indexOf('-');
        try {
            if (dash > 0) {
                return new IdRange(
                        Integer.parseInt(value.substring(0, dash).trim()),
                        Integer.parseInt(value.substring(dash + 1).trim()));
            }
        } catch (NumberFormatException e) {
            // said below
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
        throw new IllegalArgumentException(
                name + ": '" + value + "' (expected: FIRST-LAST, ids no account uses, e.g. " + DEFAULT + ")");
    }

    public int size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
