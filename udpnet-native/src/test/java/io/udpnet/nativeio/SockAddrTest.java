package io.udpnet.nativeio;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Socket address conversion and its tables: repeat peers reuse one object, the tables stay bounded. */
class SockAddrTest {
    private static InetSocketAddress peer(int i) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) (i >>> 16), (byte) (i >>> 8)}),
                1024 + (i & 0xff) * 97 % 60000);
    }

    /** Writes {@code a} as the kernel would give it, then reads it back. */
    private static InetSocketAddress roundTrip(SockAddr s, InetSocketAddress a, MemorySegment seg) throws Exception {
        int len = s.write(a, seg, 0);
        return s.read(seg, 0, len);
    }

    @Test
    void thousandsOfPeersEachReadAsOneObjectAgainAndAgain() throws Exception {
        for (boolean v6 : new boolean[] {true, false}) {
            SockAddr s = new SockAddr(v6);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(SockAddr.MAX_BYTES, 8);
                int n = 5000;
                InetSocketAddress[] first = new InetSocketAddress[n];
                for (int i = 0; i < n; i++) {
                    first[i] = roundTrip(s, peer(i), seg);
                    assertEquals(peer(i), first[i]);
                }
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < n; i++) {
                        // A fresh but equal object to send to: read back as the object first read for that peer.
                        assertSame(first[i], roundTrip(s, peer(i), seg), "peer " + i + " on round " + round);
                        // Sending to the object read: found by identity, its bytes unchanged.
                        assertSame(first[i], roundTrip(s, first[i], seg));
                    }
                }
                assertEquals(n, s.receivedKnown());
            }
        }
    }

    @Test
    void aFloodOfSourcesStaysWithinTheCapAndNeverConfusesTwoPeers() throws Exception {
        SockAddr s = new SockAddr(true);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(SockAddr.MAX_BYTES, 8);
            int n = 3 * SockAddr.MAX_TABLE;
            for (int i = 0; i < n; i++) {
                InetSocketAddress a = peer(i * 7 + 3);
                assertEquals(a, roundTrip(s, a, seg));
                assertTrue(s.receivedKnown() <= SockAddr.MAX_TABLE);
                assertTrue(s.sentToKnown() <= SockAddr.MAX_TABLE);
            }
            // Past the cap, entries are replaced: every address still reads back as itself.
            for (int i = 0; i < 1000; i++) {
                InetSocketAddress a = peer(i * 7 + 3);
                assertEquals(a, roundTrip(s, a, seg));
            }
        }
    }

    @Test
    void aNewButEqualObjectPerSendTakesNoNewEntry() throws Exception {
        // IPv4 addresses are sent to without a table, IPv6 ones through the receive table; both through a send table
        // of their own when the hash code checks fail (false, false).
        for (boolean checksHold : new boolean[] {true, false}) {
            for (String host : new String[] {"::1", "127.0.0.1"}) {
                SockAddr s = new SockAddr(true, checksHold, checksHold);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment seg = arena.allocate(SockAddr.MAX_BYTES, 8);
                    for (int i = 0; i < 10_000; i++) {
                        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(host), 7000 + i % 3);
                        assertEquals(a, s.read(seg, 0, s.write(a, seg, 0)));
                    }
                    assertEquals(checksHold ? 0 : 3, s.sentToKnown(), host);
                    assertEquals(3, s.receivedKnown(), host);
                }
            }
        }
    }

    @Test
    void sameBytesOtherPortOrScopeIsAnotherPeer() throws Exception {
        SockAddr s = new SockAddr(true);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(SockAddr.MAX_BYTES, 8);
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("::1"), 5000);
            InetSocketAddress b = new InetSocketAddress(InetAddress.getByName("::1"), 5001);
            InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5000);
            InetSocketAddress ra = roundTrip(s, a, seg);
            InetSocketAddress rb = roundTrip(s, b, seg);
            InetSocketAddress r4 = roundTrip(s, v4, seg);
            assertEquals(a, ra);
            assertEquals(b, rb);
            assertEquals(v4, r4);
            assertNotSame(ra, rb);
            assertSame(ra, roundTrip(s, a, seg));
            assertSame(r4, roundTrip(s, v4, seg));
            byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
            InetSocketAddress s1 = new InetSocketAddress(Inet6Address.getByAddress(null, linkLocal, 1), 5000);
            InetSocketAddress s2 = new InetSocketAddress(Inet6Address.getByAddress(null, linkLocal, 2), 5000);
            InetSocketAddress r1 = roundTrip(s, s1, seg);
            InetSocketAddress r2 = roundTrip(s, s2, seg);
            assertNotSame(r1, r2);
            assertEquals(1, ((Inet6Address) r1.getAddress()).getScopeId());
            assertEquals(2, ((Inet6Address) r2.getAddress()).getScopeId());
        }
    }
}
