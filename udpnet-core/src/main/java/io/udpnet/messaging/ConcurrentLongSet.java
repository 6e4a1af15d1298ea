package io.udpnet.messaging;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A set of {@code long}s written by one thread and read by any number of others without locks: open addressing with
 * linear probing over one {@code long[]}, so an entry costs 12 to 24 bytes (8 bytes a slot, between a third and two
 * thirds of the slots in use; a {@code ConcurrentHashMap} key set costs about 60) and nothing is allocated per call
 * except when the table is rebuilt.
 *
 * <p><b>Threads.</b> {@link #add}, {@link #remove}, {@link #size} and {@link #capacity} belong to one writer thread
 * (or to threads that hand the set over with a happens-before edge). {@link #contains} may be called from any
 * thread at any time, concurrently with the writer.
 *
 * <p><b>What a reader sees.</b>
 * <ul>
 *   <li>Only values that were added: {@code contains(v)} is false for a value never added (a slot is read whole;
 *       the two reserved slot values are never mistaken for members, see below).</li>
 *   <li>If {@code add(v)} returned before {@code contains(v)} was called (a happens-before edge: the same thread,
 *       a volatile write and read, a queue hand-off, a thread start...) and no {@code remove(v)} was called since,
 *       {@code contains(v)} is true, even while the writer adds, removes and rebuilds the table.</li>
 *   <li>If {@code remove(v)} returned before {@code contains(v)} was called (in the same sense) and no
 *       {@code add(v)} was called since, {@code contains(v)} is false.</li>
 *   <li>A call concurrent with {@code add(v)} or {@code remove(v)}, with no such edge either way, may answer
 *       either; without any edge a reader sees the writer's changes late, but it does see them: slots are written
 *       with release and read with acquire, and a new table is published through a volatile field.</li>
 * </ul>
 * Why the second point holds: a slot on the probe path of a member never becomes empty in place (removal leaves a
 * tombstone, and a slot is emptied only when the slot after it is empty, so no member's path crosses it), and a
 * rebuilt table is a new array; the array it replaces is never written again, so a reader still probing it finds
 * what it held.
 *
 * <p><b>Memory.</b> The table is a power of two of slots, at least {@value #MIN_CAPACITY}. It is rebuilt (members
 * copied into a new array, tombstones dropped) when an add would fill more than two thirds of the slots with members
 * and tombstones, at the size that makes it at most half full: twice the size if the members alone are over half.
 * A removal that leaves fewer than an eighth of the slots in use rebuilds it at that size too, so the memory follows
 * what the set holds. Rebuilding allocates one array, at most once per sixth of the table's slots taken by adds.
 *
 * <p><b>Reserved values.</b> Slot value {@code 0} means empty and {@code Long.MIN_VALUE} a tombstone; the set holds
 * those two values in flags of their own, so any {@code long} may be a member.
 */
final class ConcurrentLongSet {
    static final int MIN_CAPACITY = 8;
    private static final long EMPTY = 0;
    private static final long TOMBSTONE = Long.MIN_VALUE;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    /** The current table; replaced whole when rebuilt, and the replaced array is never written again. */
    private volatile long[] table = new long[MIN_CAPACITY];
    private volatile boolean hasEmptyValue;
    private volatile boolean hasTombstoneValue;
    /** Members, counting the reserved values. Writer only. */
    private int size;
    /** Slots of the table holding a member or a tombstone. Writer only. */
    private int used;

    /** Whether {@code value} is in the set. Any thread; no lock, no allocation. */
    boolean contains(long value) {
        if (value == EMPTY) {
            return hasEmptyValue;
        }
        if (value == TOMBSTONE) {
            return hasTombstoneValue;
        }
        long[] t = table;
        int mask = t.length - 1;
        // At least a third of the slots are empty, so the probe ends; the bound is for a table seen mid-change.
        for (int i = home(value, mask), n = 0; n <= mask; i = (i + 1) & mask, n++) {
            long s = (long) SLOT.getAcquire(t, i);
            if (s == value) {
                return true;
            }
            if (s == EMPTY) {
                return false;
            }
        }
        return false;
    }

    /** Adds {@code value}; true if it was not in the set. Writer thread. */
    boolean add(long value) {
        if (value == EMPTY || value == TOMBSTONE) {
            boolean had = value == EMPTY ? hasEmptyValue : hasTombstoneValue;
            if (!had) {
                if (value == EMPTY) {
                    hasEmptyValue = true;
                } else {
                    hasTombstoneValue = true;
                }
                size++;
            }
            return !had;
        }
        long[] t = table;
        int mask = t.length - 1;
        int free = -1;
        int i = home(value, mask);
        for (long s; (s = t[i]) != EMPTY; i = (i + 1) & mask) {
            if (s == value) {
                return false;
            }
            if (s == TOMBSTONE && free < 0) {
                free = i;
            }
        }
        if (free < 0 && used + 1 > t.length * 2 / 3) {
            // Rebuilt without tombstones; the value then goes into the new table's first empty slot on its path.
            t = rebuild(capacityFor(size + 1));
            mask = t.length - 1;
            for (i = home(value, mask); t[i] != EMPTY; i = (i + 1) & mask) {
                // probing to the first empty slot; a fresh table has no tombstones
            }
        }
        if (free >= 0) {
            i = free;
        } else {
            used++;
        }
        // Release: a reader that sees the value sees it whole, and after whatever the writer did before.
        SLOT.setRelease(t, i, value);
        size++;
        return true;
    }

    /** Removes {@code value}; true if it was in the set. Writer thread. */
    boolean remove(long value) {
        if (value == EMPTY || value == TOMBSTONE) {
            boolean had = value == EMPTY ? hasEmptyValue : hasTombstoneValue;
            if (had) {
                if (value == EMPTY) {
                    hasEmptyValue = false;
                } else {
                    hasTombstoneValue = false;
                }
                size--;
                shrinkIfSparse();
            }
            return had;
        }
        long[] t = table;
        int mask = t.length - 1;
        int i = home(value, mask);
        for (long s; (s = t[i]) != value; i = (i + 1) & mask) {
            if (s == EMPTY) {
                return false;
            }
        }
        size--;
        if (t[(i + 1) & mask] != EMPTY) {
            // A later member's probe path may run through this slot: it must not look empty.
            SLOT.setRelease(t, i, TOMBSTONE);
        } else {
            // Nothing probes past an empty slot, so no member's path crosses this one, nor the tombstones
            // right before it: they become empty, which keeps tombstones from piling up between rebuilds.
            do {
                SLOT.setRelease(t, i, EMPTY);
                used--;
                i = (i - 1) & mask;
            } while (t[i] == TOMBSTONE);
        }
        shrinkIfSparse();
        return true;
    }

    private void shrinkIfSparse() {
        if (table.length > MIN_CAPACITY && size < table.length / 8) {
            rebuild(capacityFor(size));
        }
    }

    /** Members, reserved values included. Writer thread. */
    int size() {
        return size;
    }

    /** Slots of the current table: its memory is 8 bytes each. Writer thread. */
    int capacity() {
        return table.length;
    }

    /** The smallest table at most half full with {@code members} in it. */
    private static int capacityFor(int members) {
        int c = MIN_CAPACITY;
        while (c / 2 < members) {
            c *= 2;
        }
        return c;
    }

    /** Copies the members into a new table of {@code capacity} slots, then publishes it. */
    private long[] rebuild(int capacity) {
        long[] old = table;
        long[] t = new long[capacity];
        int mask = capacity - 1;
        int n = 0;
        for (long s : old) {
            if (s != EMPTY && s != TOMBSTONE) {
                int i = home(s, mask);
                while (t[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                t[i] = s;
                n++;
            }
        }
        used = n;
        // The volatile write publishes the plain writes above to every reader that reads the field after it.
        table = t;
        return t;
    }

    /**
     * Where a value's probe starts. Tokens carry their shard and server id in their low bits, so every bit is mixed
     * in (the finaliser of MurmurHash3) before the index is taken.
     */
    private static int home(long value, int mask) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
