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
 * remembers the last few addresses it converted both ways, so a repeat peer costs no allocation: the hot path sees
 * the same few peers again and again.
 *
 * <p>Addresses are kept as two longs (the 16 bytes of the IPv6 form, IPv4 mapped) plus port and scope.
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

    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long V4_MAPPED = 0xffffL << 32;
    private static final int CACHE = 8;

    private final boolean v6;
    private final InetSocketAddress[] cached = new InetSocketAddress[CACHE];
    private final long[] hi = new long[CACHE];
    private final long[] lo = new long[CACHE];
    private final int[] ports = new int[CACHE];
    private final int[] scopes = new int[CACHE];
    private int next;

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
        int i = indexOf(a);
        if (i < 0) {
            i = remember(a);
        }
        long h = hi[i];
        long l = lo[i];
        int port = ports[i];
        if (v6) {
            seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) Linux.AF_INET6);
            seg.set(PORT, at + 2, (short) port);
            seg.set(ValueLayout.JAVA_INT_UNALIGNED, at + 4, 0);
            seg.set(BE_LONG, at + 8, h);
            seg.set(BE_LONG, at + 16, l);
            seg.set(ValueLayout.JAVA_INT_UNALIGNED, at + 24, scopes[i]);
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
        for (int i = 0; i < CACHE; i++) {
            if (cached[i] != null && hi[i] == h && lo[i] == l && ports[i] == port && scopes[i] == scope) {
                return cached[i];
            }
        }
        InetSocketAddress a = new InetSocketAddress(toInet(h, l, scope), port);
        int i = next;
        next = (next + 1) % CACHE;
        store(i, a, h, l, port, scope);
        return a;
    }

    private int indexOf(InetSocketAddress a) {
        for (int i = 0; i < CACHE; i++) {
            if (cached[i] == a) {
                return i;
            }
        }
        for (int i = 0; i < CACHE; i++) {
            if (a.equals(cached[i])) {
                return i;
            }
        }
        return -1;
    }

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
        int i = next;
        next = (next + 1) % CACHE;
        store(i, a, h, l, a.getPort(), scope);
        return i;
    }

    private void store(int i, InetSocketAddress a, long h, long l, int port, int scope) {
        cached[i] = a;
        hi[i] = h;
        lo[i] = l;
        ports[i] = port;
        scopes[i] = scope;
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
