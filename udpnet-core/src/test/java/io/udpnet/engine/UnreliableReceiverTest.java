package io.udpnet.engine;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static io.udpnet.engine.ChannelReceiver.ACCEPTED;
import static io.udpnet.engine.ChannelReceiver.DUPLICATE;
import static io.udpnet.engine.ChannelReceiver.MALFORMED;
import static io.udpnet.engine.ReliableReceiverTest.fragment;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Unreliable and sequenced receive side (PROTOCOL.md section 6). */
class UnreliableReceiverTest {
    private final Deliveries got = new Deliveries();
    private final ByteBudget budget = new ByteBudget(64 * 1024);
    private final BufferPool pool = new BufferPool(budget);
    private final Counters stats = new Counters();

    private UnreliableReceiver receiver(boolean sequenced) {
        return new UnreliableReceiver(1, sequenced, got, pool, budget, stats);
    }

    private static int whole(UnreliableReceiver r, int seq) {
        return r.onMessage(seq, Deliveries.message(seq & 0xFF, 2, 8), 2, 8);
    }

    @Test
    void sequencedDropsMessagesOlderThanTheLastDelivered() {
        UnreliableReceiver r = receiver(true);
        // The spec's example: packets #1, #2, #4, #3 deliver 1, 2 and 4.
        for (int s : new int[]{1, 2, 4, 3}) {
            assertEquals(ACCEPTED, whole(r, s));
        }
        assertEquals(List.of(1, 2, 4), got.firstBytes());
        assertEquals(1, stats.staleMessages);
        whole(r, 4);
        assertEquals(List.of(1, 2, 4), got.firstBytes(), "equal is not newer");
    }

    @Test
    void sequencedAcrossTheWrap() {
        UnreliableReceiver r = receiver(true);
        for (int s : new int[]{65534, 0, 65535, 1}) {
            whole(r, s);
        }
        assertEquals(List.of(254, 0, 1), got.firstBytes());
    }

    @Test
    void unsequencedDeliversEverythingAsItArrives() {
        UnreliableReceiver r = receiver(false);
        ByteBuffer datagram = Deliveries.message(9, 2, 8);
        r.onMessage(9, datagram, 2, 8);
        assertSame(datagram, got.all.get(0).buffer(), "whole messages are not copied");
        for (int s : new int[]{1, 2, 4, 3}) {
            whole(r, s);
        }
        assertEquals(List.of(9, 1, 2, 4, 3), got.firstBytes());
    }

    @Test
    void fragmentedMessageIsDeliveredCompleteOrNotAtAll() {
        UnreliableReceiver r = receiver(false);
        assertEquals(ACCEPTED, fragment(r, 7, 7, 3000, 3, 2));
        assertEquals(ACCEPTED, fragment(r, 7, 7, 3000, 3, 0));
        assertEquals(0, got.size());
        assertEquals(3000, held(budget, pool));
        assertEquals(DUPLICATE, fragment(r, 7, 7, 3000, 3, 0));
        assertEquals(ACCEPTED, fragment(r, 7, 7, 3000, 3, 1));
        assertEquals(1, got.size());
        assertArrayEquals(Deliveries.bytes(7, 3000), got.all.get(0).bytes());
        assertEquals(0, held(budget, pool));
    }

    @Test
    void onePartialTooManyEvictsTheOldest() {
        UnreliableReceiver r = receiver(false);
        for (int s = 0; s < UnreliableReceiver.PARTIALS + 1; s++) {
            fragment(r, s, s, 100, 2, 0);
        }
        assertEquals(1, stats.reassemblyDrops, "message 0 abandoned");
        assertEquals(UnreliableReceiver.PARTIALS * 100L, held(budget, pool));
        // Message 0's second half starts a new partial (evicting message 1) and completes nothing.
        fragment(r, 0, 0, 100, 2, 1);
        assertEquals(0, got.size());
        assertEquals(2, stats.reassemblyDrops);
        fragment(r, 1, 1, 100, 2, 1);
        assertEquals(0, got.size(), "message 1 was evicted");
        List<Integer> expected = new java.util.ArrayList<>();
        for (int s = 3; s <= UnreliableReceiver.PARTIALS; s++) {
            fragment(r, s, s, 100, 2, 1);
            expected.add(s);
        }
        assertEquals(expected, got.firstBytes());
    }

    @Test
    void partialFarBehindTheNewestSequenceIsAbandoned() {
        UnreliableReceiver r = receiver(false);
        fragment(r, 0, 0, 100, 2, 0);
        whole(r, 1025);
        assertEquals(1, stats.reassemblyDrops);
        assertEquals(0, held(budget, pool));
        fragment(r, 0, 0, 100, 2, 1);
        assertEquals(List.of(1), got.firstBytes(), "only message 1025 (tag 1)");
    }

    @Test
    void partialLessThan1024BehindIsKept() {
        UnreliableReceiver r = receiver(false);
        fragment(r, 0, 0, 100, 2, 0);
        whole(r, 1023);
        fragment(r, 0, 0, 100, 2, 1);
        assertEquals(List.of(255, 0), got.firstBytes());
    }

    /** PROTOCOL.md section 6: a partial message 1024 or more sequences behind the newest is abandoned. */
    @Test
    void partialExactly1024BehindIsAbandoned() {
        UnreliableReceiver r = receiver(false);
        fragment(r, 0, 77, 100, 2, 0);
        whole(r, 1024);
        fragment(r, 0, 77, 100, 2, 1);
        assertEquals(List.of(0), got.firstBytes(), "only message 1024 (tag 0), not the abandoned message 0 (tag 77)");
    }

    /**
     * The newest sequence moves forward in steps of less than half the circle (so each arrival is "newer"), but
     * one step carries it from under 1024 ahead of the partial to more than 32767 ahead: from then on the signed
     * distance says the partial is ahead, and it survives until a new message with its sequence arrives.
     */
    @Test
    void noStitchingAcrossTheWrapAfterLargeJumps() {
        UnreliableReceiver r = receiver(false);
        fragment(r, 0, 10, 100, 2, 0);
        whole(r, 1000);
        whole(r, 33000);
        whole(r, 65000);
        // A different message (tag 20) with sequence 0 again, same length and count.
        fragment(r, 0, 20, 100, 2, 1);
        assertEquals(3, got.size(), "no message assembled from the first half of one and the second of another");
    }

    @Test
    void sequencedAbandonsPartialsOlderThanTheNewestDelivered() {
        UnreliableReceiver r = receiver(true);
        fragment(r, 5, 5, 100, 2, 0);
        fragment(r, 8, 8, 100, 2, 0);
        whole(r, 6);
        assertEquals(100, held(budget, pool), "5 abandoned, 8 kept");
        fragment(r, 5, 5, 100, 2, 1);
        assertEquals(List.of(6), got.firstBytes());
        fragment(r, 8, 8, 100, 2, 1);
        assertEquals(List.of(6, 8), got.firstBytes());
        assertEquals(0, held(budget, pool));
    }

    @Test
    void sequencedFragmentedMessageNewerThanTheLastDeliveredIsDelivered() {
        UnreliableReceiver r = receiver(true);
        fragment(r, 3, 3, 100, 2, 0);
        whole(r, 2);
        fragment(r, 3, 3, 100, 2, 1);
        assertEquals(List.of(2, 3), got.firstBytes());
    }

    @Test
    void fragmentDisagreeingWithItsPartialIsMalformed() {
        UnreliableReceiver r = receiver(false);
        fragment(r, 4, 4, 100, 2, 0);
        assertEquals(MALFORMED, fragment(r, 4, 4, 120, 2, 1));
        assertEquals(MALFORMED, fragment(r, 4, 4, 100, 3, 1));
        assertEquals(ACCEPTED, fragment(r, 4, 4, 100, 2, 1));
        assertEquals(1, got.size());
    }

    @Test
    void fragmentsThatDoNotFitTheBudgetAreDropped() {
        ByteBudget small = new ByteBudget(4096);
        BufferPool smallPool = new BufferPool(small);
        UnreliableReceiver r = new UnreliableReceiver(1, false, got, smallPool, small, stats);
        assertEquals(ACCEPTED, fragment(r, 0, 0, 3000, 2, 0));
        assertEquals(ACCEPTED, fragment(r, 1, 1, 3000, 2, 0), "taken, but dropped: no room");
        assertEquals(1, stats.reassemblyDrops);
        assertEquals(3000, held(small, smallPool));
        fragment(r, 1, 1, 3000, 2, 1);
        fragment(r, 0, 0, 3000, 2, 1);
        assertEquals(List.of(0), got.firstBytes());
        assertEquals(0, held(small, smallPool));
    }

    @Test
    void oneFragmentOfALargeMessageHoldsOneChunkAndTheWholeArrivesByteExact() {
        ByteBudget big = new ByteBudget(1 << 20);
        BufferPool bigPool = new BufferPool(big);
        UnreliableReceiver r = new UnreliableReceiver(1, true, got, bigPool, big, stats);
        int length = 36_000;
        int count = 31;
        int stride = (length + count - 1) / count;
        assertEquals(ACCEPTED, fragment(r, 5, 5, length, count, 0));
        assertEquals((PartialMessage.CHUNK_BYTES / stride) * stride, held(big, bigPool));
        for (int i = count - 1; i > 0; i--) {
            assertEquals(ACCEPTED, fragment(r, 5, 5, length, count, i));
        }
        assertEquals(List.of(5), got.firstBytes());
        assertArrayEquals(Deliveries.bytes(5, length), got.all.get(0).bytes());
        assertEquals(0, held(big, bigPool));
        assertEquals(0, stats.reassemblyDrops);
    }

    @Test
    void clearAbandonsEveryPartial() {
        UnreliableReceiver r = receiver(true);
        fragment(r, 1, 1, 100, 2, 0);
        fragment(r, 2, 2, 100, 2, 0);
        r.clear();
        assertEquals(0, held(budget, pool));
        assertEquals(2, stats.reassemblyDrops);
    }

    /** Bytes held for messages: what the budget counts less the buffers the pool keeps for reuse. */
    private static long held(ByteBudget budget, BufferPool pool) {
        return budget.used() - pool.kept();
    }
}
