package io.udpnet.nativeio;

import io.udpnet.engine.HeapWalk;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a socket's address tables cost: heap per peer (the address objects not counted, since the connections hold
 * them anyway), and no allocation for a known peer either way.
 */
class SockAddrMemoryTest {
    static InetSocketAddress v4Peer(int i) throws Exception {
        byte[] b = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
        return new InetSocketAddress(InetAddress.getByAddress(b), 1024 + (i * 31) % 60000);
    }

    static InetSocketAddress v6Peer(int i) throws Exception {
        byte[] b = InetAddress.getByName("2001:db8::").getAddress();
        b[12] = (byte) (i >>> 24);
        b[13] = (byte) (i >>> 16);
        b[14] = (byte) (i >>> 8);
        b[15] = (byte) i;
        return new InetSocketAddress(InetAddress.getByAddress(b), 1024 + (i * 31) % 60000);
    }

    static InetSocketAddress linkLocalPeer(int i) throws Exception {
        byte[] b = InetAddress.getByName("fe80::").getAddress();
        b[14] = (byte) (i >>> 8);
        b[15] = (byte) i;
        return new InetSocketAddress(Inet6Address.getByAddress(null, b, 1 + i % 3), 5000 + i % 7);
    }

    /**
     * Receives from and sends to {@code n} peers (to a fresh equal object first, as a client would, then to the
     * object received, as a server does) and returns the bytes per peer the instance grew by.
     */
    private static double bytesPerPeer(SockAddr s, int n, boolean v6Peers) throws Exception {
        long empty = new HeapWalk().exclude(InetSocketAddress.class).add(new SockAddr(s.size() > 16));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(SockAddr.MAX_BYTES, 8);
            for (int i = 0; i < n; i++) {
                InetSocketAddress r = s.read(seg, 0, s.write(v6Peers ? v6Peer(i) : v4Peer(i), seg, 0));
                s.write(r, seg, 0);
            }
        }
        HeapWalk w = new HeapWalk().exclude(InetSocketAddress.class);
        double perPeer = (w.add(s) - empty) / (double) n;
        System.out.printf("%,d %s peers on %s socket (%s): %.1f B per peer (%s)%n", n, v6Peers ? "IPv6" : "IPv4",
                s.size() > 16 ? "a dual-stack" : "an IPv4", s.sentToKnown() > 0 ? "send table" : "no send table",
                perPeer, w.byClass());
        return perPeer;
    }

    @Test
    void tenThousandPeersCostFewBytesEach() throws Exception {
        int n = 10_000;
        // One long and one reference per slot, the table between three eighths and three quarters full.
        double v4 = bytesPerPeer(new SockAddr(false), n, false);
        assertTrue(v4 <= 32, v4 + " B per IPv4 peer on an IPv4 socket");
        double mapped = bytesPerPeer(new SockAddr(true), n, false);
        assertTrue(mapped <= 32, mapped + " B per IPv4 peer on a dual-stack socket");
        // Three longs and a reference per slot, one table for both ways.
        double v6 = bytesPerPeer(new SockAddr(true), n, true);
        assertTrue(v6 <= 64, v6 + " B per IPv6 peer");
        // A send table of its own too, when the hash code checks fail.
        double separate = bytesPerPeer(new SockAddr(true, false, false), n, true);
        assertTrue(separate <= 128, separate + " B per IPv6 peer with a send table of its own");
    }

    @Test
    void knownPeersConvertWithoutAllocating() throws Exception {
        // Reached by reflection: the tests are compiled inside the module, which does not read java.management.
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
        int n = 1000;
        for (boolean v6 : new boolean[] {false, true}) {
            SockAddr s = new SockAddr(v6);
            InetSocketAddress[] peers = new InetSocketAddress[v6 ? 3 * n : n];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(SockAddr.MAX_BYTES, 8);
                for (int i = 0; i < n; i++) {
                    peers[i] = s.read(seg, 0, s.write(v4Peer(i), seg, 0));
                    if (v6) {
                        peers[n + i] = s.read(seg, 0, s.write(v6Peer(i), seg, 0));
                        peers[2 * n + i] = s.read(seg, 0, s.write(linkLocalPeer(i), seg, 0));
                    }
                }
                convert(s, peers, seg, 50);   // warm-up: the conversions compiled
                long before = (long) allocatedBytes.invoke(threads);
                convert(s, peers, seg, 50);
                long allocated = (long) allocatedBytes.invoke(threads) - before;
                // The measuring call itself may allocate a little; one allocation per conversion would be megabytes.
                assertTrue(allocated < 4096, allocated + " bytes allocated for " + 50 * peers.length
                        + " sends and receives on a " + (v6 ? "dual-stack" : "IPv4") + " socket");
            }
        }
    }

    @Test
    void twentyThousandPeersAreAllKept() throws Exception {
        // 61% of the cap: a server with that many peers sends and receives without converting any of them again.
        int n = 20_000;
        for (boolean v6Peers : new boolean[] {false, true}) {
            SockAddr s = new SockAddr(true);
            InetSocketAddress[] peers = new InetSocketAddress[n];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(SockAddr.MAX_BYTES, 8);
                for (int i = 0; i < n; i++) {
                    peers[i] = s.read(seg, 0, s.write(v6Peers ? v6Peer(i) : v4Peer(i), seg, 0));
                }
                convert(s, peers, seg, 2);
                assertEquals(n, s.receivedKnown());
                assertEquals(0, s.sentToKnown());
            }
        }
    }

    /** Sends to each peer and receives from it, {@code rounds} times: the same object must come back. */
    private static void convert(SockAddr s, InetSocketAddress[] peers, MemorySegment seg, int rounds)
            throws Exception {
        for (int r = 0; r < rounds; r++) {
            for (InetSocketAddress p : peers) {
                assertSame(p, s.read(seg, 0, s.write(p, seg, 0)));
            }
        }
    }
}
