package io.udpnet.nativeio;

import io.udpnet.engine.HeapWalk;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ways an address is converted: IPv4 written straight from its hash code or through the send table (as when the
 * hash code check fails), IPv6 with and without scope, on IPv4-only and dual-stack sockets, and the bound on the
 * receive tables under a flood of made-up IPv6 sources.
 */
class SockAddrPathsTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(42);

    private static InetSocketAddress randomV4() throws Exception {
        int v = RANDOM.nextInt();
        byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        return new InetSocketAddress(InetAddress.getByAddress(b), RANDOM.nextInt(65536));
    }

    private static InetSocketAddress randomV6(boolean scoped) throws Exception {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        if (b[0] == 0) {
            b[0] = 0x20;   // not ::ffff:a.b.c.d, which Java turns into an IPv4 address
        }
        if (scoped) {
            b[0] = (byte) 0xfe;
            b[1] = (byte) 0x80;
            return new InetSocketAddress(Inet6Address.getByAddress(null, b, 1 + RANDOM.nextInt(1000)),
                    RANDOM.nextInt(65536));
        }
        return new InetSocketAddress(InetAddress.getByAddress(b), RANDOM.nextInt(65536));
    }

    /** The sockaddr the kernel expects for {@code a}, built from its bytes independently of SockAddr. */
    private static byte[] expected(InetSocketAddress a, boolean v6Socket) {
        InetAddress ip = a.getAddress();
        byte[] b = ip.getAddress();
        ByteBuffer buf = ByteBuffer.allocate(v6Socket ? 28 : 16).order(ByteOrder.nativeOrder());
        buf.putShort((short) (v6Socket ? Linux.AF_INET6 : Linux.AF_INET));
        buf.order(ByteOrder.BIG_ENDIAN).putShort((short) a.getPort());
        if (!v6Socket) {
            return buf.put(b).array();
        }
        buf.putInt(0);
        if (b.length == 4) {
            buf.put(new byte[10]).putShort((short) 0xffff).put(b);
        } else {
            buf.put(b);
        }
        int scope = ip instanceof Inet6Address x ? x.getScopeId() : 0;
        return buf.order(ByteOrder.nativeOrder()).putInt(scope).array();
    }

    private static byte[] written(SockAddr s, InetSocketAddress a, MemorySegment seg) throws IOException {
        seg.fill((byte) 0x5a);
        int len = s.write(a, seg, 0);
        return seg.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void inet4HashCodeIsTheAddressWheneverTheCheckPasses() throws Exception {
        assertEquals(SockAddr.inet4HashIsAddress(), SockAddr.INET4_HASH_IS_ADDRESS);
        assumeTrue(SockAddr.INET4_HASH_IS_ADDRESS, "this JDK's Inet4Address.hashCode() is not the address");
        for (int i = 0; i < 100_000; i++) {
            InetSocketAddress a = randomV4();
            assertEquals(ByteBuffer.wrap(a.getAddress().getAddress()).getInt(), a.getAddress().hashCode(), "" + a);
        }
    }

    @Test
    void inet6HashCodeIsKnownWheneverTheCheckPasses() throws Exception {
        assertEquals(SockAddr.inet6HashIsKnown(), SockAddr.INET6_HASH_KNOWN);
        assumeTrue(SockAddr.INET6_HASH_KNOWN, "this JDK's Inet6Address.hashCode() is another function");
        for (int i = 0; i < 100_000; i++) {
            InetSocketAddress a = randomV6(i % 2 == 0);
            ByteBuffer b = ByteBuffer.wrap(a.getAddress().getAddress());
            assertEquals(a.getAddress().hashCode(), SockAddr.inet6Hash(b.getLong(), b.getLong()), "" + a);
        }
    }

    @Test
    void ipv4IsWrittenTheSameDirectlyAndThroughTheTable() throws Exception {
        for (boolean v6 : new boolean[] {false, true}) {
            SockAddr direct = new SockAddr(v6, true, true);
            SockAddr table = new SockAddr(v6, false, false);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(SockAddr.MAX_BYTES, 8);
                int n = 20_000;
                for (int i = 0; i < n; i++) {
                    InetSocketAddress a = i < 3 ? new InetSocketAddress(InetAddress.getByName(
                            new String[] {"0.0.0.0", "255.255.255.255", "128.0.0.1"}[i]), new int[] {0, 65535, 1}[i])
                            : randomV4();
                    byte[] want = expected(a, v6);
                    assertArrayEquals(want, written(direct, a, seg), a + (v6 ? " dual-stack" : " IPv4"));
                    assertArrayEquals(want, written(table, a, seg), a + (v6 ? " dual-stack" : " IPv4"));
                    // Read back as the kernel would give it, by both.
                    InetSocketAddress r = direct.read(seg, 0, want.length);
                    assertEquals(a, r);
                    assertTrue(r.getAddress() instanceof Inet4Address);
                    assertSame(r, direct.read(seg, 0, want.length));
                    assertEquals(a, table.read(seg, 0, want.length));
                }
                assertEquals(0, direct.sentToKnown(), "the direct path keeps nothing per address sent to");
                assertTrue(table.sentToKnown() > n / 2, table.sentToKnown() + " kept through the table");
            }
        }
    }

    @Test
    void ipv6WithAndWithoutScopeRoundTripsOnADualStackSocket() throws Exception {
        // Sent to through the receive table (shared), or through a send table of its own as when the check fails.
        for (boolean shared : new boolean[] {true, false}) {
            SockAddr s = new SockAddr(true, true, shared);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(SockAddr.MAX_BYTES, 8);
                InetSocketAddress[] peers = new InetSocketAddress[5000];
                InetSocketAddress[] read = new InetSocketAddress[peers.length];
                for (int i = 0; i < peers.length; i++) {
                    peers[i] = randomV6(i % 2 == 0);
                    byte[] want = expected(peers[i], true);
                    assertArrayEquals(want, written(s, peers[i], seg), "" + peers[i]);
                    read[i] = s.read(seg, 0, want.length);
                    assertEquals(peers[i], read[i]);
                    assertEquals(((Inet6Address) peers[i].getAddress()).getScopeId(),
                            ((Inet6Address) read[i].getAddress()).getScopeId());
                }
                assertEquals(shared ? 0 : peers.length, s.sentToKnown());
                for (int i = 0; i < peers.length; i++) {
                    // The first object sent to and the one read (the same when shared): both written right, and
                    // every read after gives the one read first.
                    assertArrayEquals(expected(peers[i], true), written(s, peers[i], seg));
                    assertSame(read[i], s.read(seg, 0, 28), "shared " + shared);
                    assertArrayEquals(expected(peers[i], true), written(s, read[i], seg));
                    assertSame(read[i], s.read(seg, 0, 28), "shared " + shared);
                }
                assertEquals(peers.length, s.receivedKnown());
            }
        }
    }

    @Test
    void whatASocketCannotSendToIsRefused() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(SockAddr.MAX_BYTES, 8);
            for (boolean direct : new boolean[] {true, false}) {
                SockAddr v4 = new SockAddr(false, direct, direct);
                InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 9);
                assertThrows(IOException.class, () -> v4.write(v6, seg, 0));
                assertThrows(IOException.class, () -> v4.write(v6, seg, 0), "and again, once remembered");
                InetSocketAddress unresolved = InetSocketAddress.createUnresolved("example.invalid", 9);
                assertThrows(IOException.class, () -> v4.write(unresolved, seg, 0));
                assertThrows(IOException.class, () -> new SockAddr(true, direct, direct).write(unresolved, seg, 0));
                // Still fine for an IPv4 peer afterwards.
                InetSocketAddress ok = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9);
                assertEquals(ok, v4.read(seg, 0, v4.write(ok, seg, 0)));
            }
        }
    }

    @Test
    void aFloodOfMadeUpIpv6SourcesStaysWithinTheCap() throws Exception {
        SockAddr s = new SockAddr(true);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(SockAddr.MAX_BYTES, 8);
            int n = 3 * SockAddr.MAX_TABLE;
            for (int i = 0; i < n; i++) {
                InetSocketAddress a = randomV6(i % 4 == 0);
                seg.copyFrom(MemorySegment.ofArray(expected(a, true)));
                InetSocketAddress r = s.read(seg, 0, 28);
                assertEquals(a, r);
                assertEquals(((Inet6Address) a.getAddress()).getScopeId(), ((Inet6Address) r.getAddress()).getScopeId());
            }
            assertTrue(s.receivedKnown() <= SockAddr.MAX_TABLE, s.receivedKnown() + " remembered");
            assertTrue(s.receivedKnown() > SockAddr.MAX_TABLE / 2, s.receivedKnown() + " remembered");
            // The tables themselves: three longs and a reference per IPv6 slot, one of each per (unused) IPv4 slot.
            long bytes = new HeapWalk().exclude(InetSocketAddress.class).add(s);
            assertTrue(bytes <= SockAddr.MAX_TABLE * 28L + 4096, bytes + " bytes");
        }
    }

    @Test
    void sourcesThatAreNotIpv4NorIpv6AreNotAddresses() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(SockAddr.MAX_BYTES, 8);
            SockAddr s = new SockAddr(true);
            seg.fill((byte) 0);
            seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) 1);   // AF_UNIX
            assertEquals(null, s.read(seg, 0, 28));
            seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) Linux.AF_INET6);
            assertEquals(null, s.read(seg, 0, 16), "too short for a sockaddr_in6");
            assertEquals(0, s.receivedKnown());
        }
    }
}
