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
 * {@code ::ffff:a.b.c.d}) or {@code sockaddr_in} for an IPv4-only one. Each socket has its own instance. A server's
 * socket sees the same thousands of peers again and again and sends to the very {@link InetSocketAddress} objects it
 * handed out, so a known peer costs no allocation and no conversion either way.
 *
 * <p>IPv4: received addresses are kept in an {@link AddressTable} of one long per entry (address and port), which
 * hands out the same object for the same source; sending needs no table, since {@link Inet4Address#hashCode()} is
 * the address in OpenJDK. About 16 to 32 bytes per peer. IPv6: one table of three longs per entry (the two halves of
 * the address, port and scope), made at the first IPv6 peer, serves both ways: an address's bytes cannot be read
 * without a copy, so an entry is placed by a hash that both its numbers and its object give without allocating (the
 * address's hash code, computed from the numbers as OpenJDK's {@link Inet6Address#hashCode()} does, and the port),
 * and found by its numbers when receiving, by reference when sending. About 37 to 75 bytes per peer.
 *
 * <p>Both hash codes are unspecified, so each is checked on known addresses when this class is loaded; when a check
 * fails, the addresses it concerns are sent to through a table of their own, as three longs. Every table stops
 * growing at {@value #MAX_TABLE} entries, so memory stays bounded whatever sources a hostile peer makes up. Used by
 * the socket's one I/O thread.
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
    /**
     * Most entries of each table: room for 24,576 peers at the load limit. A full IPv4 table holds 384 KiB of numbers
     * and references, a full IPv6 one 896 KiB, plus the address objects.
     */
    static final int MAX_TABLE = 1 << 15;
    /** True when an Inet4Address's hash code is its address, as OpenJDK's is (checked on load). */
    static final boolean INET4_HASH_IS_ADDRESS = inet4HashIsAddress();
    /** True when an Inet6Address's hash code is {@link #inet6Hash} of its bytes, as OpenJDK's is (checked on load). */
    static final boolean INET6_HASH_KNOWN = inet6HashIsKnown();

    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long V4_MAPPED = 0xffffL << 32;
    /** Set in every entry's last long, so that a free slot (0) is never an entry. */
    private static final long PRESENT = 1L << 48;

    private final boolean v6;
    /** Whether IPv4 addresses are written straight from their hash code, without a table. */
    private final boolean v4Direct;
    /** Whether IPv6 addresses sent to are found in {@link #in6}, placed by a hash both directions can compute. */
    private final boolean v6Shared;
    /**
     * IPv4 addresses received (IPv4-mapped ones on a dual-stack socket): address and port in one long. Made at the
     * first, like the others, so that an instance made to send one datagram ({@code sendTo}) makes no table.
     */
    private AddressTable in4;
    /** IPv6 addresses received, and sent to when {@link #v6Shared}; made at the first. */
    private AddressTable in6;
    /** Addresses sent to that have no other way (only when a hash code check failed); made at the first. */
    private AddressTable out;

    /** @param v6 true for a dual-stack AF_INET6 socket */
    SockAddr(boolean v6) {
        this(v6, INET4_HASH_IS_ADDRESS, INET6_HASH_KNOWN);
    }

    /** For tests: either flag false takes the way this class takes when the corresponding check fails. */
    SockAddr(boolean v6, boolean v4Direct, boolean v6Shared) {
        this.v6 = v6;
        this.v4Direct = v4Direct;
        this.v6Shared = v6Shared;
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
        InetAddress ip = a.getAddress();
        if (ip instanceof Inet4Address && v4Direct) {
            return write(seg, at, 0, V4_MAPPED | (ip.hashCode() & 0xffffffffL), a.getPort(), 0, a);
        }
        if (ip == null) {
            throw new IOException("unresolved address " + a);
        }
        AddressTable t = ip instanceof Inet6Address && v6Shared ? in6() : out();
        long hash = t.hash(a);
        int i = t.findObject(hash, a);
        if (i < 0) {
            i = remember(t, hash, a, ip);
        }
        long[] n = t.num;
        long ps = n[3 * i + 2];
        return write(seg, at, n[3 * i], n[3 * i + 1], (int) (ps >>> 32) & 0xffff, (int) ps, a);
    }

    private int write(MemorySegment seg, long at, long h, long l, int port, int scope, InetSocketAddress a)
            throws IOException {
        if (v6) {
            seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) Linux.AF_INET6);
            seg.set(PORT, at + 2, (short) port);
            seg.set(ValueLayout.JAVA_INT_UNALIGNED, at + 4, 0);
            seg.set(BE_LONG, at + 8, h);
            seg.set(BE_LONG, at + 16, l);
            seg.set(ValueLayout.JAVA_INT_UNALIGNED, at + 24, scope);
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
        if (h == 0 && (l >>> 32) == 0xffff && scope == 0) {
            long key = PRESENT | (l & 0xffffffffL) << 16 | port;
            AddressTable t = in4;
            if (t == null) {
                t = in4 = new AddressTable(1, false, MAX_TABLE);
            }
            long hash = t.hash(key);
            int i = t.find(hash, key);
            if (i >= 0) {
                return t.addr[i];
            }
            InetSocketAddress a = new InetSocketAddress(toInet(h, l, 0), port);
            t.put(hash, a, key);
            return a;
        }
        AddressTable t = in6();
        long ps = portScope(port, scope);
        long hash = v6Shared ? t.hash(inet6Hash(h, l), port) : t.hash(h, l, ps);
        int i = t.find(hash, h, l, ps);
        if (i >= 0) {
            return t.addr[i];
        }
        InetSocketAddress a = new InetSocketAddress(toInet(h, l, scope), port);
        t.put(hash, a, h, l, ps);
        return a;
    }

    private AddressTable in6() {
        AddressTable t = in6;
        return t != null ? t : (in6 = new AddressTable(3, v6Shared, MAX_TABLE));
    }

    private AddressTable out() {
        AddressTable t = out;
        return t != null ? t : (out = new AddressTable(3, true, MAX_TABLE));
    }

    /** Converts {@code a} and keeps it in the send table. Returns its slot. */
    private static int remember(AddressTable t, long hash, InetSocketAddress a, InetAddress ip) {
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
        return t.put(hash, a, h, l, portScope(a.getPort(), scope));
    }

    private static long portScope(int port, int scope) {
        return PRESENT | (long) port << 32 | scope & 0xffffffffL;
    }

    /**
     * Whether {@link Inet4Address#hashCode()} is the address as a big-endian int, on addresses whose every byte and
     * sign differ. Inet4Address is final, so what holds for these holds for every instance.
     */
    static boolean inet4HashIsAddress() {
        int[] samples = {0, 1, 0x7f000001, 0x80000000, 0xffffffff, 0xc0a80102, 0x0a000001, 0x01020304, 0xfedcba98,
                0x00ff00ff, 0x7fffffff};
        try {
            for (int v : samples) {
                InetAddress ip = InetAddress.getByAddress(
                        new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
                if (!(ip instanceof Inet4Address) || ip.hashCode() != v) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * What OpenJDK's {@link Inet6Address#hashCode()} gives for the address with these halves: the sum of its four
     * 32-bit words, each built from signed bytes (so less twice its bytes' top bits).
     */
    static int inet6Hash(long h, long l) {
        return word((int) (h >>> 32)) + word((int) h) + word((int) (l >>> 32)) + word((int) l);
    }

    private static int word(int w) {
        return w - ((w & 0x80808080) << 1);
    }

    /**
     * Whether {@link #inet6Hash} is {@link Inet6Address#hashCode()}: on sixteen addresses that hold every byte value
     * once (each position seeing both signs), and on random ones.
     */
    static boolean inet6HashIsKnown() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(6);
        try {
            for (int k = 0; k < 48; k++) {
                byte[] b = new byte[16];
                for (int i = 0; i < 16; i++) {
                    b[i] = (byte) (k < 16 ? 16 * k + i : random.nextInt());
                }
                b[0] |= 1;   // never ::ffff:a.b.c.d, which is an IPv4 address in Java
                long h = 0;
                long l = 0;
                for (int i = 0; i < 8; i++) {
                    h = h << 8 | (b[i] & 0xff);
                    l = l << 8 | (b[8 + i] & 0xff);
                }
                if (InetAddress.getByAddress(b).hashCode() != inet6Hash(h, l)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** @return how many received addresses are remembered (for tests of the bound) */
    int receivedKnown() {
        return (in4 == null ? 0 : in4.size()) + (in6 == null ? 0 : in6.size());
    }

    /** @return how many addresses sent to are remembered (for tests of the bound) */
    int sentToKnown() {
        return out == null ? 0 : out.size();
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
