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
 * handed out, so a repeat peer costs no allocation and no conversion either way, and a peer costs about 20 to 30 bytes
 * here (an IPv6 peer about three times that).
 *
 * <p>Receiving: an {@link AddressTable} maps an address's numbers to the object handed out for it, one long per
 * IPv4 peer (address and port), three per IPv6 peer (the two halves of the address, port and scope) in a second table
 * made at the first IPv6 peer. Sending to an IPv4 address needs no table: {@link Inet4Address#hashCode()} is the
 * address in OpenJDK, checked on known addresses when this class is loaded (the contract does not promise it; when
 * it does not hold, IPv4 addresses take the IPv6 path). Sending to an IPv6 address: its bytes cannot be read without
 * a copy, so a third table, found by the object's hash code and then by reference, keeps its numbers. Every table
 * stops growing at {@value #MAX_TABLE} entries. Used by the socket's one I/O thread.
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
     * Most entries of each table: room for 24,576 peers at the load limit; a full IPv4 table holds 384 KiB of
     * numbers and references (plus the addresses, about 80 B each), a full IPv6 one 896 KiB (plus about 136 B each).
     */
    static final int MAX_TABLE = 1 << 15;
    /** True when an Inet4Address's hash code is its address, as OpenJDK's is (checked on load). */
    static final boolean INET4_HASH_IS_ADDRESS = inet4HashIsAddress();

    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long V4_MAPPED = 0xffffL << 32;
    /** Set in every entry's last long, so that a free slot (0) is never an entry. */
    private static final long PRESENT = 1L << 48;

    private final boolean v6;
    /** Whether IPv4 addresses are written straight from their hash code, without a table. */
    private final boolean v4Direct;
    /** IPv4 addresses received (IPv4-mapped ones on a dual-stack socket): address and port in one long. */
    private final AddressTable in4 = new AddressTable(1, false, MAX_TABLE);
    /** IPv6 addresses received; made at the first. */
    private AddressTable in6;
    /** Addresses sent to that are not written directly (IPv6 ones); made at the first. */
    private AddressTable out;

    /** @param v6 true for a dual-stack AF_INET6 socket */
    SockAddr(boolean v6) {
        this(v6, INET4_HASH_IS_ADDRESS);
    }

    /** For tests: {@code v4Direct} false sends to IPv4 addresses through the table, as when the check fails. */
    SockAddr(boolean v6, boolean v4Direct) {
        this.v6 = v6;
        this.v4Direct = v4Direct;
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
        AddressTable t = out;
        if (t == null) {
            t = out = new AddressTable(3, true, MAX_TABLE);
        }
        long hash = AddressTable.mix(a);
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
            long hash = AddressTable.mix(key);
            AddressTable t = in4;
            int i = t.find(hash, key);
            if (i >= 0) {
                return t.addr[i];
            }
            InetSocketAddress a = new InetSocketAddress(toInet(h, l, 0), port);
            t.put(hash, a, key);
            return a;
        }
        AddressTable t = in6;
        if (t == null) {
            t = in6 = new AddressTable(3, false, MAX_TABLE);
        }
        long ps = portScope(port, scope);
        long hash = AddressTable.mix(h, l, ps);
        int i = t.find(hash, h, l, ps);
        if (i >= 0) {
            return t.addr[i];
        }
        InetSocketAddress a = new InetSocketAddress(toInet(h, l, scope), port);
        t.put(hash, a, h, l, ps);
        return a;
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

    /** @return how many received addresses are remembered (for tests of the bound) */
    int receivedKnown() {
        return in4.size() + (in6 == null ? 0 : in6.size());
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
