package io.udpnet.nativeio;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * A bounded hash table of socket addresses for {@link SockAddr}: each entry is an {@link InetSocketAddress} and
 * {@code stride} longs of numbers (one long for an IPv4 address and port; the two halves of an IPv6 address and its
 * port and scope for three), kept in one array so that a lookup reads the numbers of a whole bucket from one or three
 * cache lines. The last long of an entry is never 0 (its caller sets a marker bit), so a 0 marks a free slot.
 *
 * <p>Two-choice hashing: an entry lives in one of two buckets of {@value #BUCKET} slots picked by the two halves of
 * a 64-bit hash, the emptier one when it is stored. Nothing is ever removed, so a bucket fills from its first slot
 * and a free slot ends the search of that bucket. Why two choices: linear probing with a cap on the probes finds a
 * full run long before the table is full (with 8 probes it doubled at a fifth full), while with two buckets to
 * choose from a table fills to its load limit of three quarters before it grows, and both buckets are full well
 * before that only for sources made up to share them. At the cap of {@code max} entries a new entry replaces one
 * of its sixteen slots, in turn, so memory stays bounded whatever sources a hostile peer makes up. Used by one
 * thread.
 */
final class AddressTable {
    private static final int BUCKET = 8;
    private static final int MIN = 2 * BUCKET;

    private final int stride;
    /** True when entries are placed by their object's address hash code and port, false by their numbers. */
    private final boolean byObject;
    private final int max;
    /**
     * Mixed into every hash, so that where an address lands differs from socket to socket: a source cannot be made
     * up to land next to a given peer (except one whose address hash code and port are that peer's, by object).
     */
    private final long seed = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    InetSocketAddress[] addr = new InetSocketAddress[MIN];
    long[] num;
    private int used;
    /** Which of a full bucket pair's slots the next entry replaces, at the cap. */
    private int victim;

    AddressTable(int stride, boolean byObject, int max) {
        this.stride = stride;
        this.byObject = byObject;
        this.max = max;
        this.num = new long[stride * MIN];
    }

    /** @return how many entries are stored */
    int size() {
        return used;
    }

    /** A well-mixed 64-bit hash of one long: both halves pick a bucket. */
    private static long mix(long x) {
        x = (x ^ x >>> 33) * 0xff51afd7ed558ccdL;
        x = (x ^ x >>> 33) * 0xc4ceb9fe1a85ec53L;
        return x ^ x >>> 33;
    }

    /** The hash of a one-long entry. */
    long hash(long key) {
        return mix(key ^ seed);
    }

    /** The hash of a three-long entry placed by its numbers. */
    long hash(long h, long l, long portScope) {
        return mix(mix(h ^ portScope ^ seed) ^ l);
    }

    /**
     * The hash of an entry placed by its object: its IP address's hash code and its port apart (their sum,
     * {@link InetSocketAddress#hashCode()}, collides for IPv6 peers whose address and port both count up).
     */
    long hash(int ipHashCode, int port) {
        return mix(((long) ipHashCode << 32 | port) ^ seed);
    }

    /** {@link #hash(int, int)} of a resolved address, read without allocating. */
    long hash(InetSocketAddress a) {
        return hash(a.getAddress().hashCode(), a.getPort());
    }

    private int first(long hash) {
        return (int) hash & (addr.length - 1) & -BUCKET;
    }

    private int second(long hash) {
        return (int) (hash >>> 32) & (addr.length - 1) & -BUCKET;
    }

    /** The slot of the one-long entry {@code key}, or -1. */
    int find(long hash, long key) {
        int i = findIn(first(hash), key);
        return i >= 0 ? i : findIn(second(hash), key);
    }

    private int findIn(int b, long key) {
        long[] n = num;
        for (int i = b; i < b + BUCKET; i++) {
            long k = n[i];
            if (k == key) {
                return i;
            }
            if (k == 0) {
                return -1;
            }
        }
        return -1;
    }

    /** The slot of the three-long entry with these numbers, or -1. */
    int find(long hash, long h, long l, long portScope) {
        int i = findIn(first(hash), h, l, portScope);
        return i >= 0 ? i : findIn(second(hash), h, l, portScope);
    }

    private int findIn(int b, long h, long l, long portScope) {
        long[] n = num;
        for (int i = b; i < b + BUCKET; i++) {
            int at = 3 * i;
            long ps = n[at + 2];
            if (ps == portScope && n[at + 1] == l && n[at] == h) {
                return i;
            }
            if (ps == 0) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * The slot holding {@code a}, or -1. Found by reference on the hot path; an equal address (same scope too) found
     * otherwise takes the entry over, so that a sender making a new object per datagram never fills the table.
     */
    int findObject(long hash, InetSocketAddress a) {
        int i = findObjectIn(first(hash), a);
        return i >= 0 ? i : findObjectIn(second(hash), a);
    }

    private int findObjectIn(int b, InetSocketAddress a) {
        int end = b + BUCKET;
        for (int i = b; i < end; i++) {
            InetSocketAddress e = addr[i];
            if (e == a) {
                return i;
            }
            if (e == null) {
                end = i;
            }
        }
        for (int i = b; i < end; i++) {
            InetSocketAddress e = addr[i];
            if (e.equals(a) && sameScope(e, a)) {
                addr[i] = a;
                return i;
            }
        }
        return -1;
    }

    /** Inet6Address.equals ignores the scope, which the kernel needs (a link-local peer). */
    private static boolean sameScope(InetSocketAddress e, InetSocketAddress a) {
        return !(a.getAddress() instanceof Inet6Address x)
                || x.getScopeId() == ((Inet6Address) e.getAddress()).getScopeId();
    }

    /** Stores a one-long entry that is not in the table; returns its slot. */
    int put(long hash, InetSocketAddress a, long key) {
        int i = slotFor(hash);
        addr[i] = a;
        num[i] = key;
        return i;
    }

    /** Stores a three-long entry that is not in the table; returns its slot. */
    int put(long hash, InetSocketAddress a, long h, long l, long portScope) {
        int i = slotFor(hash);
        addr[i] = a;
        int at = 3 * i;
        num[at] = h;
        num[at + 1] = l;
        num[at + 2] = portScope;
        return i;
    }

    /** A free slot for a new entry, growing the table first if it is past its load limit or the pair is full. */
    private int slotFor(long hash) {
        if (4 * (used + 1) > 3 * addr.length && addr.length < max) {
            grow();
        }
        int i = freeSlot(hash);
        while (i < 0 && addr.length < max) {
            grow();
            i = freeSlot(hash);
        }
        if (i >= 0) {
            used++;
            return i;
        }
        // At the cap with both buckets full: replace one of their slots, in turn.
        int v = victim;
        victim = (v + 1) % (2 * BUCKET);
        return (v < BUCKET ? first(hash) : second(hash)) + v % BUCKET;
    }

    /** The first free slot of the emptier of the two buckets, or -1 when both are full. */
    private int freeSlot(long hash) {
        int a = freeIn(first(hash));
        int b = freeIn(second(hash));
        if (a < 0 || b < 0) {
            return Math.max(a, b);
        }
        // The emptier bucket is the one whose first free slot is nearer its start.
        return (a & (BUCKET - 1)) <= (b & (BUCKET - 1)) ? a : b;
    }

    private int freeIn(int b) {
        for (int i = b; i < b + BUCKET; i++) {
            if (num[stride * i + stride - 1] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Doubles the table; an entry whose buckets are full in the larger one is dropped (converted again if seen). */
    private void grow() {
        InetSocketAddress[] a0 = addr;
        long[] n0 = num;
        int size = a0.length * 2;
        addr = new InetSocketAddress[size];
        num = new long[stride * size];
        used = 0;
        for (int k = 0; k < a0.length; k++) {
            if (n0[stride * k + stride - 1] != 0) {
                long hash = byObject ? hash(a0[k])
                        : stride == 1 ? hash(n0[k]) : hash(n0[3 * k], n0[3 * k + 1], n0[3 * k + 2]);
                int i = freeSlot(hash);
                if (i >= 0) {
                    used++;
                    addr[i] = a0[k];
                    System.arraycopy(n0, stride * k, num, stride * i, stride);
                }
            }
        }
    }
}
