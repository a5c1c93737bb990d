package io.leveros.core.url;

import java.util.Objects;
import java.util.function.Function;

/**
 * A function's last results, in a fixed table of {@value #SLOTS} slots chosen by the key's hash: a key
 * its slot holds gets its result again; any other is computed and takes the slot. A computation that
 * throws leaves the table as it was. Shared by all threads without locks: each slot holds one immutable
 * entry, and a slot read while another thread replaces it yields the old entry or the new one, both
 * right.
 */
final class RecentResults<K, V> {
    private static final int SLOTS = 256; // a power of two

    private record Entry<K, V>(K key, V value) {}

    private final Function<K, V> function;

    @SuppressWarnings("unchecked")
    private final Entry<K, V>[] slots = (Entry<K, V>[]) new Entry<?, ?>[SLOTS];

    RecentResults(Function<K, V> function) {
        this.function = function;
    }

    V apply(K key) {
        int slot = Objects.hashCode(key) & (SLOTS - 1);
        Entry<K, V> recent = slots[slot];
        if (recent != null && recent.key().equals(key)) {
            return recent.value();
        }
        V value = function.apply(key);
        slots[slot] = new Entry<>(key, value);
        return value;
    }
}
