package io.udpnet.engine;

import io.udpnet.Delivery;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.PacketHeader;
import io.udpnet.wire.WireFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Send queue of one channel: fragmentation geometry, window and byte-budget back-pressure, release on ack,
 * retransmission on loss. Sizes are those of the default 1200-byte datagram: a whole message carries at most
 * 1200 - 30 - 6 = 1164 bytes, a fragment 1200 - 30 - 14 = 1156 (PROTOCOL.md section 4).
 */
class SendQueueTest {
    static final int DATAGRAM = WireFormat.DEFAULT_DATAGRAM_SIZE;
    static final int WHOLE = DATAGRAM - DataHeader.OVERHEAD - PacketHeader.MESSAGE_HEADER;
    static final int FRAGMENT = DATAGRAM - DataHeader.OVERHEAD - PacketHeader.FRAGMENT_HEADER;
    /** Packets are written between the datagram header and the CRC, as the connection does. */
    static final int START = DataHeader.LENGTH;
    static final int END = DATAGRAM - WireFormat.CRC_SIZE;

    /** One packet as found in a datagram. */
    record Packet(long number, int type, int channel, int msgSeq, int index, int count, int messageLength,
                  byte[] payload) {
    }

    static SendQueue queue(Delivery delivery, int window, ByteBudget budget) {
        return new SendQueue(3, delivery, window, WHOLE, FRAGMENT, 32, budget, new Counters());
    }

    static byte[] pattern(int n, int seed) {
        byte[] m = new byte[n];
        for (int i = 0; i < n; i++) {
            m[i] = (byte) (i * 7 + seed * 13 + (i >>> 8));
        }
        return m;
    }

    /** Writes the next packet into a fresh datagram; null when nothing was written. */
    static Packet writeOne(SendQueue q, int datagramSeq) {
        ByteBuffer out = ByteBuffer.allocate(DATAGRAM);
        int after = q.write(out, START, END, datagramSeq, 1);
        if (after == START) {
            return null;
        }
        int type = PacketHeader.type(out, START);
        int len = PacketHeader.payloadLength(out, START);
        int header = type == PacketHeader.TYPE_MESSAGE ? PacketHeader.MESSAGE_HEADER : PacketHeader.FRAGMENT_HEADER;
        assertEquals(START + header + len, after, "returned offset is just after the packet");
        byte[] payload = new byte[len];
        out.get(START + header, payload);
        if (type == PacketHeader.TYPE_MESSAGE) {
            return new Packet(q.lastWritten(), type, PacketHeader.channel(out, START), PacketHeader.sequence(out, START),
                    0, 1, len, payload);
        }
        return new Packet(q.lastWritten(), type, PacketHeader.channel(out, START), PacketHeader.sequence(out, START),
                PacketHeader.fragmentIndex(out, START), PacketHeader.fragmentCount(out, START),
                (int) PacketHeader.messageLength(out, START), payload);
    }

    static List<Packet> writeAll(SendQueue q, int datagramSeq) {
        List<Packet> packets = new ArrayList<>();
        for (Packet p; (p = writeOne(q, datagramSeq)) != null; ) {
            packets.add(p);
        }
        return packets;
    }

    /** Checks the spec's geometry for a message of {@code n} bytes and returns the reassembled bytes. */
    static byte[] checkGeometry(int n, List<Packet> packets) {
        int expectedCount = n <= WHOLE ? 1 : (n + FRAGMENT - 1) / FRAGMENT;
        assertEquals(expectedCount, packets.size(), "packets for " + n + " bytes");
        byte[] joined = new byte[n];
        if (expectedCount == 1) {
            Packet p = packets.get(0);
            assertEquals(PacketHeader.TYPE_MESSAGE, p.type());
            assertEquals(n, p.payload().length);
            return p.payload();
        }
        int stride = (n + expectedCount - 1) / expectedCount;
        for (int i = 0; i < expectedCount; i++) {
            Packet p = packets.get(i);
            assertEquals(PacketHeader.TYPE_FRAGMENT, p.type());
            assertEquals(i, p.index());
            assertEquals(expectedCount, p.count());
            assertEquals(n, p.messageLength());
            int expectedLen = i < expectedCount - 1 ? stride : n - stride * (expectedCount - 1);
            assertTrue(expectedLen >= 1, "last fragment carries at least one byte");
            assertEquals(expectedLen, p.payload().length, "fragment " + i + " of " + n + " bytes");
            assertTrue(PacketHeader.FRAGMENT_HEADER + expectedLen <= END - START, "fragment fits a datagram");
            System.arraycopy(p.payload(), 0, joined, i * stride, expectedLen);
        }
        return joined;
    }

    @Test
    void sizesAroundTheWholeFragmentBoundary() {
        // n = 1 up to 1164 bytes; then n = ceil(L / 1156) and stride ceil(L / n):
        // 1165 -> 2 x (583, 582); 2312 -> 2 x 1156; 2313 -> 3 x 771; 0 -> one empty MESSAGE.
        int[][] cases = {{0, 1, 0}, {1, 1, 1}, {1164, 1, 1164}, {1165, 2, 583}, {2312, 2, 1156}, {2313, 3, 771},
                {3468, 3, 1156}, {3469, 4, 868}};
        for (int[] c : cases) {
            SendQueue q = queue(Delivery.RELIABLE_ORDERED, 16, new ByteBudget(1 << 20));
            byte[] m = pattern(c[0], c[0]);
            assertEquals(c[1], q.fragmentsFor(c[0]));
            assertTrue(q.offer(ByteBuffer.wrap(m)));
            List<Packet> packets = writeAll(q, 0);
            assertEquals(c[1], packets.size(), "packets for " + c[0]);
            assertEquals(c[2], packets.get(0).payload().length, "first packet of " + c[0]);
            assertArrayEquals(m, checkGeometry(c[0], packets));
        }
    }

    @Property(tries = 300)
    void everySizeFollowsTheSpecGeometry(@ForAll @IntRange(max = 200_000) int n) {
        SendQueue q = queue(Delivery.RELIABLE_UNORDERED, 16, new ByteBudget(1 << 20));
        byte[] m = pattern(n, 1);
        assertTrue(q.offer(ByteBuffer.wrap(m)));
        List<Packet> packets = writeAll(q, 0);
        assertArrayEquals(m, checkGeometry(n, packets));
        for (Packet p : packets) {
            assertEquals(3, p.channel());
            assertEquals(0, p.msgSeq());
        }
    }

    @Test
    void offerLeavesTheCallersBufferPositionAlone() {
        SendQueue q = queue(Delivery.RELIABLE_ORDERED, 16, new ByteBudget(1 << 20));
        ByteBuffer b = ByteBuffer.wrap(pattern(100, 2));
        b.position(10).limit(60);
        assertTrue(q.offer(b));
        assertEquals(10, b.position());
        assertEquals(60, b.limit());
        Packet p = writeOne(q, 0);
        byte[] expected = new byte[50];
        System.arraycopy(pattern(100, 2), 10, expected, 0, 50);
        assertArrayEquals(expected, p.payload());
    }

    @Test
    void unreliableMessageOverTheFragmentLimitIsRejected() {
        SendQueue q = queue(Delivery.UNRELIABLE, 16, new ByteBudget(1 << 20));
        // 32 fragments of 1156 bytes hold 36992 bytes; one more byte needs 33.
        assertTrue(q.offer(ByteBuffer.allocate(32 * FRAGMENT)));
        assertThrows(IllegalArgumentException.class, () -> q.offer(ByteBuffer.allocate(32 * FRAGMENT + 1)));
    }

    @Test
    void windowFullRefusesUntilTheOldestMessageIsAcked() {
        ByteBudget budget = new ByteBudget(1 << 20);
        SendQueue q = queue(Delivery.RELIABLE_ORDERED, 16, budget);
        for (int i = 0; i < 16; i++) {
            assertTrue(q.offer(ByteBuffer.wrap(pattern(10, i))), "message " + i);
        }
        assertFalse(q.canAccept(10));
        assertFalse(q.offer(ByteBuffer.wrap(pattern(10, 16))));
        assertEquals(16, q.queuedMessages());
        List<Packet> packets = writeAll(q, 0);
        assertEquals(16, packets.size());
        // An ack of a later message does not move the window: message 0 is still outstanding.
        ack(q, packets.get(5).number());
        assertFalse(q.offer(ByteBuffer.wrap(pattern(10, 16))));
        ack(q, packets.get(0).number());
        assertEquals(15, q.queuedMessages());
        assertTrue(q.offer(ByteBuffer.wrap(pattern(10, 16))));
        assertFalse(q.offer(ByteBuffer.wrap(pattern(10, 17))));
        for (int i = 1; i <= 4; i++) {
            ack(q, packets.get(i).number());
        }
        // 1..5 acked now: five more fit.
        assertEquals(11, q.queuedMessages());
        for (int i = 0; i < 5; i++) {
            assertTrue(q.offer(ByteBuffer.wrap(pattern(10, 17 + i))));
        }
        assertFalse(q.offer(ByteBuffer.wrap(pattern(10, 30))));
    }

    @Test
    void byteBudgetFullRefusesUntilAcked() {
        ByteBudget budget = new ByteBudget(4096);
        SendQueue q = queue(Delivery.RELIABLE_ORDERED, 1024, budget);
        assertTrue(q.offer(ByteBuffer.wrap(pattern(3000, 0))));
        assertEquals(3000, budget.used());
        assertFalse(q.canAccept(1097));
        assertFalse(q.offer(ByteBuffer.wrap(pattern(1097, 1))), "3000 + 1097 > 4096");
        assertTrue(q.offer(ByteBuffer.wrap(pattern(1096, 2))), "3000 + 1096 = 4096 fits exactly");
        assertFalse(q.offer(ByteBuffer.allocate(1)));
        List<Packet> packets = writeAll(q, 0);
        assertEquals(4, packets.size(), "3000 bytes in 3 fragments, then 1096 whole");
        // The second message is acked first: its bytes are not released before the first message's.
        ack(q, packets.get(3).number());
        assertEquals(4096, budget.used());
        assertFalse(q.offer(ByteBuffer.allocate(1)));
        ack(q, packets.get(1).number());
        ack(q, packets.get(0).number());
        assertEquals(4096 - 2000, budget.used(), "fragments 0 and 1 (1000 bytes each) released");
        ack(q, packets.get(2).number());
        assertEquals(0, budget.used());
        assertEquals(0, q.queuedMessages());
        assertTrue(q.offer(ByteBuffer.wrap(pattern(4096, 3))));
    }

    @Test
    void unreliablePacketsAreReleasedWhenWritten() {
        ByteBudget budget = new ByteBudget(8192);
        SendQueue q = queue(Delivery.UNRELIABLE_SEQUENCED, 16, budget);
        assertTrue(q.offer(ByteBuffer.wrap(pattern(5000, 0))));
        assertTrue(q.offer(ByteBuffer.wrap(pattern(100, 1))));
        assertEquals(5100, budget.used());
        List<Packet> packets = writeAll(q, 0);
        assertEquals(6, packets.size());
        assertEquals(0, budget.used());
        assertEquals(0, q.queuedMessages());
        // A loss report for an unreliable packet queues nothing.
        assertFalse(q.onLost(packets.get(0).number(), 0));
        assertFalse(q.hasPending());
    }

    @Test
    void lostPacketIsRetransmittedOnlyWhenItsLatestDatagramIsLost() {
        SendQueue q = queue(Delivery.RELIABLE_ORDERED, 16, new ByteBudget(1 << 20));
        byte[] m = pattern(40, 5);
        q.offer(ByteBuffer.wrap(m));
        Packet first = writeOne(q, 7);
        assertFalse(q.hasPending());
        assertFalse(q.onLost(first.number(), 6), "datagram 6 never carried it");
        assertTrue(q.onLost(first.number(), 7));
        assertFalse(q.onLost(first.number(), 7), "already queued");
        assertTrue(q.hasPending());
        Packet again = writeOne(q, 9);
        assertEquals(first.number(), again.number());
        assertArrayEquals(m, again.payload());
        assertEquals(0, again.msgSeq());
        // Datagram 7 is reported lost again (a late report): the packet now travels in 9, nothing to do.
        assertFalse(q.onLost(first.number(), 7));
        assertFalse(q.hasPending());
        assertTrue(q.onLost(first.number(), 9));
        assertArrayEquals(m, writeOne(q, 12).payload());
    }

    @Test
    void retransmissionsGoBeforeNewPackets() {
        SendQueue q = queue(Delivery.RELIABLE_UNORDERED, 16, new ByteBudget(1 << 20));
        for (int i = 0; i < 3; i++) {
            q.offer(ByteBuffer.wrap(pattern(10, i)));
        }
        Packet p0 = writeOne(q, 0);
        Packet p1 = writeOne(q, 1);
        q.onLost(p1.number(), 1);
        q.onLost(p0.number(), 0);
        assertEquals(1, writeOne(q, 2).msgSeq(), "queued first, goes first");
        assertEquals(0, writeOne(q, 2).msgSeq());
        assertEquals(2, writeOne(q, 2).msgSeq());
        assertEquals(null, writeOne(q, 2));
    }

    @Test
    void lateAckMakesAQueuedRetransmissionStale() {
        ByteBudget budget = new ByteBudget(1 << 20);
        SendQueue q = queue(Delivery.RELIABLE_ORDERED, 16, budget);
        q.offer(ByteBuffer.wrap(pattern(10, 0)));
        q.offer(ByteBuffer.wrap(pattern(10, 1)));
        Packet p0 = writeOne(q, 0);
        Packet p1 = writeOne(q, 1);
        assertTrue(q.onLost(p1.number(), 1));
        assertTrue(q.onLost(p0.number(), 0));
        // Both datagrams turn out to have arrived after all.
        ack(q, p1.number());
        assertTrue(q.hasPending(), "packet 0 still waits");
        ack(q, p0.number());
        assertFalse(q.hasPending());
        assertEquals(null, writeOne(q, 2));
        assertEquals(0, budget.used());
        // A late loss report for a released packet is ignored too.
        assertFalse(q.onLost(p0.number(), 0));
        // New messages still flow normally afterwards.
        q.offer(ByteBuffer.wrap(pattern(10, 2)));
        assertEquals(2, writeOne(q, 3).msgSeq());
    }

    @Test
    void partlyAckedStaleRetransmitDoesNotHideALiveOne() {
        SendQueue q = queue(Delivery.RELIABLE_ORDERED, 16, new ByteBudget(1 << 20));
        for (int i = 0; i < 3; i++) {
            q.offer(ByteBuffer.wrap(pattern(10, i)));
        }
        Packet p0 = writeOne(q, 0);
        Packet p1 = writeOne(q, 1);
        Packet p2 = writeOne(q, 2);
        q.onLost(p0.number(), 0);
        q.onLost(p1.number(), 1);
        q.onLost(p2.number(), 2);
        ack(q, p0.number());
        ack(q, p2.number());
        Packet r = writeOne(q, 3);
        assertEquals(p1.number(), r.number());
        assertEquals(null, writeOne(q, 3));
    }

    @Test
    void ackOfAPacketNeverWrittenIsIgnored() {
        ByteBudget budget = new ByteBudget(1 << 20);
        SendQueue q = queue(Delivery.RELIABLE_ORDERED, 16, budget);
        q.offer(ByteBuffer.wrap(pattern(10, 0)));
        ack(q, 0);
        ack(q, -1);
        assertEquals(10, budget.used());
        assertEquals(1, q.queuedMessages());
        assertEquals(0, writeOne(q, 0).msgSeq());
    }

    @Test
    void packetThatDoesNotFitIsLeftForTheNextDatagram() {
        SendQueue q = queue(Delivery.RELIABLE_ORDERED, 16, new ByteBudget(1 << 20));
        q.offer(ByteBuffer.wrap(pattern(100, 0)));
        ByteBuffer out = ByteBuffer.allocate(DATAGRAM);
        assertEquals(START, q.write(out, START, START + PacketHeader.MESSAGE_HEADER + 99, 0, 1));
        assertTrue(q.hasPending());
        assertEquals(START + 106, q.write(out, START, START + PacketHeader.MESSAGE_HEADER + 100, 0, 1));
    }

    @Test
    void oneWriteCallWritesConsecutivePacketsOnly() {
        SendQueue q = queue(Delivery.RELIABLE_ORDERED, 16, new ByteBudget(1 << 20));
        for (int i = 0; i < 4; i++) {
            q.offer(ByteBuffer.wrap(pattern(10, i)));
        }
        ByteBuffer out = ByteBuffer.allocate(DATAGRAM);
        assertEquals(START + 3 * 16, q.write(out, START, END, 0, 3), "at most max packets");
        assertEquals(3, q.lastCount());
        assertEquals(2, q.lastWritten());
        assertTrue(q.onLost(0, 0));
        // The retransmission of packet 0 and new packet 3 do not follow each other: two calls.
        assertEquals(START + 16, q.write(out, START, END, 1, 10));
        assertEquals(1, q.lastCount());
        assertEquals(0, q.lastWritten());
        assertEquals(START + 16, q.write(out, START, END, 1, 10));
        assertEquals(3, q.lastWritten());
        assertEquals(START, q.write(out, START, END, 1, 10));
        assertEquals(0, q.lastCount());
    }

    @Test
    void messageSequencesWrapAt65536() {
        SendQueue q = queue(Delivery.UNRELIABLE, 16, new ByteBudget(1 << 20));
        for (int i = 0; i < 65538; i++) {
            q.offer(ByteBuffer.allocate(1));
            Packet p = writeOne(q, 0);
            assertEquals(i & 0xFFFF, p.msgSeq());
        }
    }

    /**
     * Random message sizes, random loss and ack orders: every message is received byte-exact, every write of a
     * packet is either its first or one that a loss report queued, and once everything is acked the queue holds no
     * bytes and no messages. Small initial arrays and a 256-byte initial ring make growth and wrap-around frequent.
     */
    @Property(tries = 200)
    void bytesWrittenEqualBytesOffered(@ForAll long seed) {
        Random rnd = new Random(seed);
        ByteBudget budget = new ByteBudget(64 * 1024);
        int window = 16 << rnd.nextInt(3);
        SendQueue q = queue(rnd.nextBoolean() ? Delivery.RELIABLE_ORDERED : Delivery.RELIABLE_UNORDERED, window,
                budget);
        List<byte[]> offered = new ArrayList<>();
        Map<Integer, byte[]> assembled = new HashMap<>();
        Map<Long, Integer> allowedWrites = new HashMap<>();
        Map<Long, Integer> latestDatagram = new HashMap<>();
        List<long[]> inFlight = new ArrayList<>(); // {packet, datagram}
        java.util.Set<Long> acked = new java.util.HashSet<>();
        List<long[]> late = new ArrayList<>();
        int datagram = 0;
        int messages = 50 + rnd.nextInt(100);
        int steps = 0;
        while ((offered.size() < messages || !inFlight.isEmpty() || q.hasPending()) && steps++ < 100_000) {
            int op = rnd.nextInt(10);
            if (op < 3 && offered.size() < messages) {
                int size = rnd.nextInt(4) == 0 ? rnd.nextInt(9000) : rnd.nextInt(300);
                byte[] m = pattern(size, offered.size());
                boolean fits = q.canAccept(size);
                assertEquals(fits, q.offer(ByteBuffer.wrap(m)));
                if (fits) {
                    assembled.put(offered.size(), new byte[size]);
                    offered.add(m);
                }
            } else if (op < 6) {
                Packet p = writeOne(q, datagram);
                if (p != null) {
                    if (latestDatagram.containsKey(p.number())) {
                        int allowed = allowedWrites.getOrDefault(p.number(), 0);
                        assertTrue(allowed > 0, "packet " + p.number() + " written again without a loss report");
                        allowedWrites.put(p.number(), allowed - 1);
                    }
                    latestDatagram.put(p.number(), datagram);
                    inFlight.add(new long[]{p.number(), datagram});
                    // Fewer than 65536 messages: the message sequence is the index in the offered list.
                    byte[] target = assembled.get(p.msgSeq());
                    int stride = (p.messageLength() + p.count() - 1) / p.count();
                    System.arraycopy(p.payload(), 0, target, p.index() * stride, p.payload().length);
                    datagram = (datagram + 1) & 0xFFFF;
                }
            } else if (op == 6 && !late.isEmpty()) {
                long[] e = late.remove(rnd.nextInt(late.size()));
                ack(q, e[0]);
                acked.add(e[0]);
            } else if (!inFlight.isEmpty()) {
                long[] e = inFlight.remove(rnd.nextInt(inFlight.size()));
                if (op < 8) {
                    ack(q, e[0]);
                    acked.add(e[0]);
                } else {
                    // Queued again only when not acked yet and this was its latest datagram.
                    boolean expected = !acked.contains(e[0]) && latestDatagram.get(e[0]) == (int) e[1];
                    assertEquals(expected, q.onLost(e[0], (int) e[1]), "loss of packet " + e[0]);
                    if (expected) {
                        allowedWrites.merge(e[0], 1, Integer::sum);
                    }
                    if (rnd.nextInt(4) == 0) {
                        // A spurious loss: the datagram arrived after all and its ack comes later.
                        late.add(e);
                    }
                }
            }
        }
        assertTrue(steps < 100_000, "queue drained");
        assertEquals(0, q.queuedMessages());
        assertEquals(0, budget.used());
        for (int i = 0; i < offered.size(); i++) {
            assertArrayEquals(offered.get(i), assembled.get(i), "message " + i);
        }
    }

    /** Acknowledges a packet and releases what that allows, as the data path does after each incoming ack. */
    private static void ack(SendQueue q, long packet) {
        q.onAcked(packet);
        q.releaseAcknowledged();
    }
}
