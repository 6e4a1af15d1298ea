package io.udpnet.engine;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Objects;

/**
 * Open-addressing hash map from socket addresses (by {@code equals}) to values: parallel key and value arrays,
 * linear probing and backward-shift deletion, so there are no tombstones and no node per entry. A server keeps one
 * entry per connection, so the entry's size counts in every idle connection's memory: here a slot is two references
 * (8 bytes with compressed oops) and the table is between 1/3 and 2/3 full (1/8 after many removals), 12 to 24 bytes
 * an entry, where a {@code HashMap} takes a 32-byte node and a table slot. It grows at 2/3 load and halves when at
 * most 1/8 full, so it holds memory in proportion to its entries; it allocates only when it resizes.
 *
 * <p>A peer chooses its address, and so its hash code, but an entry exists only for a connection the server admitted.
 * Keys with equal hash codes share one probe run, a lookup among them taking as many steps as there are, as in
 * {@code HashMap} (whose tree bins cannot order addresses).
 */
final class AddressMap<V> {
    static final int MIN_CAPACITY = 8;

    private InetSocketAddress[] keys = new InetSocketAddress[MIN_CAPACITY];
    private Object[] values = new Object[MIN_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    /** Slots in the table (a power of two), for tests of growth and shrinking. */
    int capacity() {
        return keys.length;
    }

    /** The value mapped to {@code key}, or null (also for a null key, which is never mapped). */
    @SuppressWarnings("unchecked")
    V get(InetSocketAddress key) {
        if (key == null) {
            return null;
        }
        int mask = keys.length - 1;
        for (int i = index(key, mask); keys[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key || keys[i].equals(key)) {
                return (V) values[i];
            }
        }
        return null;
    }

    /** Maps {@code key} (not null) to {@code value} (not null); returns the value it replaced, or null. */
    @SuppressWarnings("unchecked")
    V put(InetSocketAddress key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        int mask = keys.length - 1;
        int i = index(key, mask);
        for (; keys[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key || keys[i].equals(key)) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
        }
        if ((size + 1) * 3 > keys.length * 2) {
            resize(keys.length * 2);
            insertNew(key, value);
        } else {
            keys[i] = key;
            values[i] = value;
        }
        size++;
        return null;
    }

    /** Removes the entry of {@code key}; returns its value, or null if there was none. */
    @SuppressWarnings("unchecked")
    V remove(InetSocketAddress key) {
        if (key == null) {
            return null;
        }
        int mask = keys.length - 1;
        int hole = index(key, mask);
        while (keys[hole] != key && !key.equals(keys[hole])) {
            if (keys[hole] == null) {
                return null;
            }
            hole = (hole + 1) & mask;
        }
        V old = (V) values[hole];
        size--;
        keys[hole] = null;
        values[hole] = null;
        // Move later entries of the probe run back into the hole unless their home lies between the hole and them,
        // so that no lookup stops early at the emptied slot.
        for (int j = (hole + 1) & mask; keys[j] != null; j = (j + 1) & mask) {
            int home = index(keys[j], mask);
            boolean homeInRange = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!homeInRange) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                keys[j] = null;
                values[j] = null;
                hole = j;
            }
        }
        if (keys.length > MIN_CAPACITY && size * 8 <= keys.length) {
            resize(keys.length / 2);
        }
        return old;
    }

    /** Every value, in no particular order, into {@code into}: a copy, so the caller may remove entries meanwhile. */
    @SuppressWarnings("unchecked")
    void addValuesTo(Collection<? super V> into) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                into.add((V) values[i]);
            }
        }
    }

    /** The home slot of {@code key}: its hash code mixed so that addresses differing in a few bits spread out. */
    static int index(InetSocketAddress key, int mask) {
        int h = key.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    private void resize(int capacity) {
        InetSocketAddress[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new InetSocketAddress[capacity];
        values = new Object[capacity];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                insertNew(oldKeys[i], oldValues[i]);
            }
        }
    }

    /** Puts a key known to be absent into the first free slot of its run; the table has room. */
    private void insertNew(InetSocketAddress key, Object value) {
        int mask = keys.length - 1;
        int i = index(key, mask);
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
    }
}
