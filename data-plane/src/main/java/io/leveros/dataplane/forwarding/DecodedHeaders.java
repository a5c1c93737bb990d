package io.leveros.dataplane.forwarding;

import io.netty.handler.codec.EmptyHeaders;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * One HTTP/2 header block an instance (or a peer) answered, as the HPACK decoder gave it: names and
 * values side by side in one array, in the order they came (pseudo-headers first, as HTTP/2 sends
 * them). Netty's {@code DefaultHttp2Headers} keeps a hash table of linked entries for the same, about
 * 0.2 KB more a call for the two blocks of its answer, which are read a few times, or passed on once,
 * and dropped. Names compare as HTTP/2 sends them: lowercase, case-sensitive.
 *
 * <p>What the decoder, Netty's HTTP/2 codec and the data plane use is here: the reads by name ({@code
 * get}, {@code getAll}, {@code contains}), the names, iteration and the pseudo-headers; of the writes
 * {@code add}, {@code set}, {@code setLong} (Netty's content-length check) and {@code remove}. The
 * other writes throw, as on {@link EmptyHeaders}; the typed reads ({@code getInt} and the like) and
 * {@code getAndRemove} answer as on empty headers: nothing here uses them.
 */
final class DecodedHeaders extends EmptyHeaders<CharSequence, CharSequence, Http2Headers> implements Http2Headers {
    private CharSequence[] namesAndValues;
    private int size;

    DecodedHeaders(int expected) {
        namesAndValues = new CharSequence[2 * Math.max(2, expected)];
    }

    /** A decoder of header blocks into {@link DecodedHeaders}, not validating them (as before it). */
    static DefaultHttp2HeadersDecoder decoder() {
        return new DefaultHttp2HeadersDecoder(false) {
            @Override
            protected Http2Headers newHeaders() {
                return new DecodedHeaders(numberOfHeadersGuess());
            }
        };
    }

    @Override
    public Http2Headers add(CharSequence name, CharSequence value) {
        if (2 * size == namesAndValues.length) {
            namesAndValues = Arrays.copyOf(namesAndValues, 2 * namesAndValues.length);
        }
        namesAndValues[2 * size] = name;
        namesAndValues[2 * size + 1] = value;
        size++;
        return this;
    }

    @Override
    public Http2Headers set(CharSequence name, CharSequence value) {
        remove(name);
        return add(name, value);
    }

    @Override
    public Http2Headers setLong(CharSequence name, long value) {
        return set(name, AsciiString.of(Long.toString(value)));
    }

    @Override
    public boolean remove(CharSequence name) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!named(i, name)) {
                namesAndValues[2 * kept] = namesAndValues[2 * i];
                namesAndValues[2 * kept + 1] = namesAndValues[2 * i + 1];
                kept++;
            }
        }
        Arrays.fill(namesAndValues, 2 * kept, 2 * size, null);
        boolean removed = kept < size;
        size = kept;
        return removed;
    }

    @Override
    public CharSequence get(CharSequence name) {
        for (int i = 0; i < size; i++) {
            if (named(i, name)) {
                return namesAndValues[2 * i + 1];
            }
        }
        return null;
    }

    @Override
    public CharSequence get(CharSequence name, CharSequence defaultValue) {
        CharSequence value = get(name);
        return value == null ? defaultValue : value;
    }

    @Override
    public List<CharSequence> getAll(CharSequence name) {
        List<CharSequence> values = List.of();
        for (int i = 0; i < size; i++) {
            if (named(i, name)) {
                if (values.isEmpty()) {
                    values = new ArrayList<>(2);
                }
                values.add(namesAndValues[2 * i + 1]);
            }
        }
        return values;
    }

    @Override
    public Iterator<CharSequence> valueIterator(CharSequence name) {
        return getAll(name).iterator();
    }

    @Override
    public boolean contains(CharSequence name) {
        return get(name) != null;
    }

    @Override
    public boolean contains(CharSequence name, CharSequence value) {
        return contains(name, value, false);
    }

    @Override
    public boolean contains(CharSequence name, CharSequence value, boolean caseInsensitive) {
        for (int i = 0; i < size; i++) {
            CharSequence candidate = namesAndValues[2 * i + 1];
            if (named(i, name)
                    && (caseInsensitive
                            ? AsciiString.contentEqualsIgnoreCase(candidate, value)
                            : AsciiString.contentEquals(candidate, value))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public Set<CharSequence> names() {
        Set<CharSequence> names = new LinkedHashSet<>();
        for (int i = 0; i < size; i++) {
            names.add(namesAndValues[2 * i]);
        }
        return names;
    }

    @Override
    public Iterator<Map.Entry<CharSequence, CharSequence>> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Map.Entry<CharSequence, CharSequence> next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                int i = next++;
                return new AbstractMap.SimpleImmutableEntry<>(namesAndValues[2 * i], namesAndValues[2 * i + 1]);
            }
        };
    }

    @Override
    public Http2Headers method(CharSequence value) {
        return set(PseudoHeaderName.METHOD.value(), value);
    }

    @Override
    public Http2Headers scheme(CharSequence value) {
        return set(PseudoHeaderName.SCHEME.value(), value);
    }

    @Override
    public Http2Headers authority(CharSequence value) {
        return set(PseudoHeaderName.AUTHORITY.value(), value);
    }

    @Override
    public Http2Headers path(CharSequence value) {
        return set(PseudoHeaderName.PATH.value(), value);
    }

    @Override
    public Http2Headers status(CharSequence value) {
        return set(PseudoHeaderName.STATUS.value(), value);
    }

    @Override
    public CharSequence method() {
        return get(PseudoHeaderName.METHOD.value());
    }

    @Override
    public CharSequence scheme() {
        return get(PseudoHeaderName.SCHEME.value());
    }

    @Override
    public CharSequence authority() {
        return get(PseudoHeaderName.AUTHORITY.value());
    }

    @Override
    public CharSequence path() {
        return get(PseudoHeaderName.PATH.value());
    }

    @Override
    public CharSequence status() {
        return get(PseudoHeaderName.STATUS.value());
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("DecodedHeaders[");
        for (int i = 0; i < size; i++) {
            text.append(i == 0 ? "" : ", ")
                    .append(namesAndValues[2 * i])
                    .append(": ")
                    .append(namesAndValues[2 * i + 1]);
        }
        return text.append(']').toString();
    }

    private boolean named(int index, CharSequence name) {
        return AsciiString.contentEquals(namesAndValues[2 * index], name);
    }
}
