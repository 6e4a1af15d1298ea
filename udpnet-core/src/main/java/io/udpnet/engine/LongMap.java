package io.udpnet.engine;

import java.util.Arrays;

/**
 * Open-addressing hash map from non-zero long keys to values, with linear probing and backward-shift deletion: no
 * boxing and no allocation per lookup, which matters on the path every data datagram takes.
 */
final class LongMap<V> {
    private long[] keys = new long[16];
    private Object[] values = new Object[16];
    private int size;

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int mask = keys.length - 1;
        for (int i = index(key, mask); keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return (V) values[i];
            }
        }
        return null;
    }

    /** Maps {@code key} (non-zero) to {@code value}. */
    void put(long key, V value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 is reserved");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = index(key, mask);
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    void remove(long key) {
        int mask = keys.length - 1;
        int hole = index(key, mask);
        while (keys[hole] != key) {
            if (keys[hole] == 0) {
                return;
            }
            hole = (hole + 1) & mask;
        }
        size--;
        keys[hole] = 0;
        values[hole] = null;
        // Move later entries of the probe run back into the hole unless their home lies between the hole and them,
        // so that no lookup stops early at the emptied slot.
        for (int j = (hole + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = index(keys[j], mask);
            boolean homeInRange = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!homeInRange) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                keys[j] = 0;
                values[j] = null;
                hole = j;
            }
        }
    }

    private static int index(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                @SuppressWarnings("unchecked")
                V v = (V) oldValues[i];
                put(oldKeys[i], v);
            }
        }
    }

    /** Every value, in no particular order, into {@code into}. */
    @SuppressWarnings("unchecked")
    void addValuesTo(java.util.Collection<? super V> into) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                into.add((V) values[i]);
            }
        }
    }

    void clear() {
        Arrays.fill(keys, 0);
        Arrays.fill(values, null);
        size = 0;
    }
}
