package io.udpnet.nativeio;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Socket addresses between Java and the kernel: {@code sockaddr_in6} for a dual-stack socket (IPv4 peers as
 * {@code ::ffff:a.b.c.d}) or {@code sockaddr_in} for an IPv4-only one. Each socket has its own instance, which
 * remembers the addresses it converted both ways, so a repeat peer costs no allocation and no conversion: a server's
 * socket sees the same thousands of peers again and again, and sends to the very {@link InetSocketAddress} objects
 * it handed out.
 *
 * <p>Addresses are kept as two longs (the 16 bytes of the IPv6 form, IPv4 mapped) plus port and scope. Each direction
 * has an open-addressing table (linear probing over at most {@value #PROBES} slots): received addresses placed by a
 * hash of their bytes and handed out again as the same object, addresses to send to placed by their own hash and
 * found by reference first. Nothing is ever removed, so an empty slot ends a search. A
 * table starts small and doubles while it is more than half full or a probe run is full, up to {@value #MAX_TABLE}
 * entries, so its memory stays bounded whatever sources a hostile peer makes up; at the cap a new address replaces
 * one of its run. Used by the socket's one I/O thread.
 */
final class SockAddr {
    /** struct sockaddr_in6. */
    static final StructLayout SOCKADDR_IN6 = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sin6_family"),
            ValueLayout.JAVA_SHORT.withName("sin6_port"),
            ValueLayout.JAVA_INT.withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("sin6_addr"),
            ValueLayout.JAVA_INT.withName("sin6_scope_id"));
    /** struct sockaddr_in. */
    static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sin_family"),
            ValueLayout.JAVA_SHORT.withName("sin_port"),
            ValueLayout.JAVA_INT.withName("sin_addr"),
            MemoryLayout.paddingLayout(8));
    /** Room for either, rounded up for alignment. */
    static final int MAX_BYTES = 32;
    /** Most entries of each table: room for 16,384 peers at half load; a full one holds about 4 MB. */
    static final int MAX_TABLE = 1 << 15;
    /** Slots looked at for one address. */
    static final int PROBES = 8;
    private static final int MIN_TABLE = 8;

    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long V4_MAPPED = 0xffffL << 32;

    private final boolean v6;
    /** Addresses received, at the slot their bytes hash to. */
    private final Table in = new Table();
    /** Addresses sent to, at the slot their hash code leads to. */
    private final Table out = new Table();

    /** @param v6 true for a dual-stack AF_INET6 socket */
    SockAddr(boolean v6) {
        this.v6 = v6;
    }

    /** @return the size of this socket's sockaddr */
    int size() {
        return v6 ? (int) SOCKADDR_IN6.byteSize() : (int) SOCKADDR_IN.byteSize();
    }

    /**
     * Writes {@code a} at {@code at}.
     *
     * @return the sockaddr's length
     * @throws IOException when the address cannot be used on this socket (unresolved, or IPv6 on an IPv4 socket)
     */
    int write(InetSocketAddress a, MemorySegment seg, long at) throws IOException {
        Table t = out;
        int i = t.findAddress(a.hashCode(), a);
        if (i < 0) {
            i = remember(a);
        }
        long h = t.hi(i);
        long l = t.lo(i);
        int port = t.port(i);
        if (v6) {
            seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) Linux.AF_INET6);
            seg.set(PORT, at + 2, (short) port);
            seg.set(ValueLayout.JAVA_INT_UNALIGNED, at + 4, 0);
            seg.set(BE_LONG, at + 8, h);
            seg.set(BE_LONG, at + 16, l);
            seg.set(ValueLayout.JAVA_INT_UNALIGNED, at + 24, t.scope(i));
            return (int) SOCKADDR_IN6.byteSize();
        }
        if (h != 0 || (l >>> 32) != 0xffff) {
            throw new IOException("IPv6 address " + a + " on an IPv4-only socket");
        }
        seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) Linux.AF_INET);
        seg.set(PORT, at + 2, (short) port);
        seg.set(BE_INT, at + 4, (int) l);
        seg.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 8, 0L);
        return (int) SOCKADDR_IN.byteSize();
    }

    /**
     * Reads the sockaddr of {@code len} bytes at {@code at}.
     *
     * @return the address, or null when the kernel gave none that this code knows
     */
    InetSocketAddress read(MemorySegment seg, long at, int len) {
        int family = seg.get(ValueLayout.JAVA_SHORT_UNALIGNED, at);
        long h;
        long l;
        int scope = 0;
        if (family == Linux.AF_INET6 && len >= SOCKADDR_IN6.byteSize()) {
            h = seg.get(BE_LONG, at + 8);
            l = seg.get(BE_LONG, at + 16);
            scope = seg.get(ValueLayout.JAVA_INT_UNALIGNED, at + 24);
        } else if (family == Linux.AF_INET && len >= 8) {
            h = 0;
            l = V4_MAPPED | (seg.get(BE_INT, at + 4) & 0xffffffffL);
        } else {
            return null;
        }
        int port = seg.get(PORT, at + 2) & 0xffff;
        Table t = in;
        int hash = hash(h, l, port, scope);
        int i = t.findEqual(hash, h, l, port, scope);
        if (i >= 0) {
            return t.addr[i];
        }
        InetSocketAddress a = new InetSocketAddress(toInet(h, l, scope), port);
        t.put(hash, a, h, l, port, scope);
        return a;
    }

    /** Converts {@code a} and keeps it in the send table. Returns its slot. */
    private int remember(InetSocketAddress a) throws IOException {
        InetAddress ip = a.getAddress();
        if (ip == null) {
            throw new IOException("unresolved address " + a);
        }
        byte[] b = ip.getAddress();
        long h;
        long l;
        int scope = 0;
        if (ip instanceof Inet4Address) {
            h = 0;
            l = V4_MAPPED | (((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL));
        } else {
            h = bytesToLong(b, 0);
            l = bytesToLong(b, 8);
            scope = ((Inet6Address) ip).getScopeId();
        }
        return out.put(a.hashCode(), a, h, l, a.getPort(), scope);
    }

    private static int hash(long h, long l, int port, int scope) {
        long x = (h * 0x9E3779B97F4A7C15L) ^ l ^ ((long) port << 32 | scope & 0xffffffffL);
        x *= 0xC2B2AE3D27D4EB4FL;
        return (int) (x ^ x >>> 32);
    }

    /** @return how many received addresses are remembered (for tests of the bound) */
    int receivedKnown() {
        return in.used;
    }

    /** @return how many addresses sent to are remembered (for tests of the bound) */
    int sentToKnown() {
        return out.used;
    }

    /**
     * An open-addressing table of converted addresses. An entry's numbers lie together in one array, {@value #STRIDE}
     * longs each (address high and low, port and scope, the hash that placed it, to move it on growth), so a lookup
     * touches two cache lines, not one per field.
     */
    private static final class Table {
        private static final int STRIDE = 4;
        InetSocketAddress[] addr = new InetSocketAddress[MIN_TABLE];
        long[] num = new long[STRIDE * MIN_TABLE];
        int used;
        /** Which slot of a full run the next address replaces, at the cap. */
        int victim;

        private int home(int hash) {
            int x = hash * 0x9E3779B9;
            return x ^ x >>> 15;
        }

        /**
         * The slot holding {@code a}, or -1. Found by reference on the hot path; an equal address found otherwise
         * takes the entry over, so that a sender making a new object per datagram never fills the table.
         */
        int findAddress(int hash, InetSocketAddress a) {
            int mask = addr.length - 1;
            for (int k = 0, i = home(hash) & mask; k < PROBES; k++, i = (i + 1) & mask) {
                InetSocketAddress e = addr[i];
                if (e == a) {
                    return i;
                }
                if (e == null) {
                    return -1;
                }
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

        /** The slot holding the address with these bytes, port and scope, or -1. */
        int findEqual(int hash, long h, long l, int p, int s) {
            int mask = addr.length - 1;
            for (int k = 0, i = home(hash) & mask; k < PROBES; k++, i = (i + 1) & mask) {
                if (addr[i] == null) {
                    return -1;
                }
                int at = STRIDE * i;
                if (num[at + 1] == l && num[at] == h && num[at + 2] == portScope(p, s)) {
                    return i;
                }
            }
            return -1;
        }

        /** Stores an entry that is not in the table; returns its slot. */
        int put(int hash, InetSocketAddress a, long h, long l, int p, int s) {
            if (2 * (used + 1) > addr.length && addr.length < MAX_TABLE) {
                grow();
            }
            int i = freeSlot(hash);
            while (i < 0 && addr.length < MAX_TABLE) {
                grow();
                i = freeSlot(hash);
            }
            if (i < 0) {
                // At the cap with the run full: replace one of the run, in turn.
                i = (home(hash) + victim) & (addr.length - 1);
                victim = (victim + 1) % PROBES;
            } else {
                used++;
            }
            set(i, a, h, l, p, s, hash);
            return i;
        }

        private int freeSlot(int hash) {
            int mask = addr.length - 1;
            for (int k = 0, i = home(hash) & mask; k < PROBES; k++, i = (i + 1) & mask) {
                if (addr[i] == null) {
                    return i;
                }
            }
            return -1;
        }

        private void set(int i, InetSocketAddress a, long h, long l, int p, int s, int hash) {
            addr[i] = a;
            int at = STRIDE * i;
            num[at] = h;
            num[at + 1] = l;
            num[at + 2] = portScope(p, s);
            num[at + 3] = hash;
        }

        private static long portScope(int p, int s) {
            return (long) p << 32 | s & 0xffffffffL;
        }

        long hi(int i) {
            return num[STRIDE * i];
        }

        long lo(int i) {
            return num[STRIDE * i + 1];
        }

        int port(int i) {
            return (int) (num[STRIDE * i + 2] >>> 32);
        }

        int scope(int i) {
            return (int) num[STRIDE * i + 2];
        }

        /** Doubles the table; an entry that finds its run full in the larger one is dropped (converted again if seen). */
        private void grow() {
            InetSocketAddress[] a0 = addr;
            long[] n0 = num;
            addr = new InetSocketAddress[a0.length * 2];
            num = new long[STRIDE * a0.length * 2];
            used = 0;
            for (int k = 0; k < a0.length; k++) {
                if (a0[k] != null) {
                    int at = STRIDE * k;
                    int i = freeSlot((int) n0[at + 3]);
                    if (i >= 0) {
                        used++;
                        addr[i] = a0[k];
                        System.arraycopy(n0, at, num, STRIDE * i, STRIDE);
                    }
                }
            }
        }
    }

    private static long bytesToLong(byte[] b, int from) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[from + i] & 0xff);
        }
        return v;
    }

    private static InetAddress toInet(long h, long l, int scope) {
        try {
            if (h == 0 && (l >>> 32) == 0xffff) {
                int v4 = (int) l;
                return InetAddress.getByAddress(new byte[] {
                        (byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4});
            }
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (h >>> (56 - 8 * i));
                b[8 + i] = (byte) (l >>> (56 - 8 * i));
            }
            return scope != 0 ? Inet6Address.getByAddress(null, b, scope) : InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }
}
