package io.udpnet.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.List;

import static io.udpnet.engine.ChannelReceiver.ACCEPTED;
import static io.udpnet.engine.ChannelReceiver.DUPLICATE;
import static io.udpnet.engine.ChannelReceiver.MALFORMED;
import static io.udpnet.engine.ChannelReceiver.REFUSED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Reliable channel receive side (PROTOCOL.md sections 6 and 7), ordered and unordered, window W = 16. */
class ReliableReceiverTest {
    private static final int W = 16;

    private final Deliveries got = new Deliveries();
    private final ByteBudget budget = new ByteBudget(4096);
    private final BufferPool pool = new BufferPool(budget);

    private ReliableReceiver receiver(boolean ordered) {
        return new ReliableReceiver(2, ordered, W, got, pool, budget);
    }

    private static int whole(ReliableReceiver r, int seq, int len) {
        return r.onMessage(seq, Deliveries.message(seq & 0xFF, 3, len), 3, len);
    }

    /** Sends fragment {@code index} of message {@code tag}/{@code length} in {@code count} parts (spec geometry). */
    static int fragment(ChannelReceiver r, int seq, int tag, int length, int count, int index) {
        byte[] m = Deliveries.bytes(tag, length);
        int stride = (length + count - 1) / count;
        int from = index * stride;
        int len = Math.min(stride, length - from);
        ByteBuffer b = ByteBuffer.allocate(len + 10);
        b.put(7, m, from, len);
        return r.onFragment(seq, index, count, length, b, 7, len);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void inOrderMessageIsHandedOverWithoutACopy(boolean ordered) {
        ReliableReceiver r = receiver(ordered);
        ByteBuffer datagram = Deliveries.message(0, 3, 50);
        assertEquals(ACCEPTED, r.onMessage(0, datagram, 3, 50));
        assertEquals(1, got.size());
        assertSame(datagram, got.all.get(0).buffer());
        assertEquals(3, got.all.get(0).offset());
        assertArrayEquals(Deliveries.bytes(0, 50), got.all.get(0).bytes());
        assertEquals(0, held(budget, pool));
    }

    @Test
    void orderedHoldsLaterMessagesAndReleasesThemInOrder() {
        ReliableReceiver r = receiver(true);
        assertEquals(ACCEPTED, whole(r, 2, 30));
        assertEquals(ACCEPTED, whole(r, 1, 20));
        assertEquals(0, got.size());
        assertEquals(50, held(budget, pool));
        assertEquals(ACCEPTED, whole(r, 0, 10));
        assertEquals(List.of(0, 1, 2), got.firstBytes());
        assertArrayEquals(Deliveries.bytes(1, 20), got.all.get(1).bytes());
        assertArrayEquals(Deliveries.bytes(2, 30), got.all.get(2).bytes());
        assertEquals(0, held(budget, pool));
        assertEquals(DUPLICATE, whole(r, 2, 30), "before base now");
        assertEquals(ACCEPTED, whole(r, 3, 5));
        assertEquals(List.of(0, 1, 2, 3), got.firstBytes());
    }

    @Test
    void unorderedDeliversEachMessageOnArrivalAndOnlyOnce() {
        ReliableReceiver r = receiver(false);
        assertEquals(ACCEPTED, whole(r, 2, 30));
        assertEquals(ACCEPTED, whole(r, 5, 30));
        assertEquals(List.of(2, 5), got.firstBytes());
        assertEquals(0, held(budget, pool), "nothing is held");
        assertEquals(DUPLICATE, whole(r, 2, 30), "delivered, still inside the window");
        assertEquals(ACCEPTED, whole(r, 0, 1));
        assertEquals(ACCEPTED, whole(r, 1, 1));
        assertEquals(DUPLICATE, whole(r, 2, 30), "before base now");
        assertEquals(ACCEPTED, whole(r, 3, 1));
        assertEquals(ACCEPTED, whole(r, 4, 1));
        assertEquals(DUPLICATE, whole(r, 5, 1));
        assertEquals(ACCEPTED, whole(r, 6, 1));
        assertEquals(List.of(2, 5, 0, 1, 3, 4, 6), got.firstBytes());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void orderedDuplicateOfAHeldMessageIsDropped(boolean ordered) {
        ReliableReceiver r = receiver(ordered);
        whole(r, 1, 10);
        assertEquals(DUPLICATE, whole(r, 1, 10));
        whole(r, 0, 10);
        assertEquals(List.of(ordered ? 0 : 1, ordered ? 1 : 0), got.firstBytes());
        assertEquals(DUPLICATE, whole(r, 0, 10));
        assertEquals(DUPLICATE, whole(r, 1, 10));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void messageAtBasePlusWindowIsRefused(boolean ordered) {
        ReliableReceiver r = receiver(ordered);
        assertEquals(REFUSED, whole(r, W, 1), "base 0: 16 is base + W");
        assertEquals(REFUSED, fragment(r, W, 1, 100, 2, 0));
        assertEquals(ACCEPTED, whole(r, W - 1, 1));
        assertEquals(ACCEPTED, whole(r, 0, 1));
        assertEquals(ACCEPTED, whole(r, W, 1), "base 1 now");
        assertEquals(REFUSED, whole(r, W + 1, 1));
    }

    @Test
    void windowWorksAcrossTheSequenceWrap() {
        ReliableReceiver r = receiver(true);
        for (int s = 0; s < 65530; s++) {
            assertEquals(ACCEPTED, whole(r, s, 0));
        }
        got.all.clear();
        // base 65530: 65530 + 16 wraps to 10.
        assertEquals(ACCEPTED, whole(r, 2, 3));
        assertEquals(ACCEPTED, whole(r, 65535, 3));
        assertEquals(REFUSED, whole(r, 10, 3));
        assertEquals(ACCEPTED, whole(r, 9, 3));
        for (int s = 65530; s != 3; s = (s + 1) & 0xFFFF) {
            if (s != 65535 && s != 2) {
                assertEquals(ACCEPTED, whole(r, s, 3));
            }
        }
        assertEquals(List.of(250, 251, 252, 253, 254, 255, 0, 1, 2), got.firstBytes());
        assertEquals(DUPLICATE, whole(r, 65535, 3));
    }

    @Test
    void budgetRefusesHeldMessagesExceptTheOneAtBase() {
        ReliableReceiver r = receiver(true);
        assertEquals(ACCEPTED, whole(r, 1, 4000));
        assertEquals(REFUSED, whole(r, 2, 97), "4000 + 97 > 4096");
        assertEquals(ACCEPTED, whole(r, 2, 96), "4000 + 96 = 4096 fits exactly");
        assertEquals(REFUSED, whole(r, 3, 1));
        assertEquals(REFUSED, fragment(r, 4, 4, 2000, 2, 1), "a new fragmented message needs its whole length");
        // The message at base is always taken, here a fragmented one larger than the whole budget.
        assertEquals(ACCEPTED, fragment(r, 0, 0, 5000, 3, 2));
        assertEquals(ACCEPTED, fragment(r, 0, 0, 5000, 3, 0));
        assertEquals(ACCEPTED, fragment(r, 0, 0, 5000, 3, 1));
        assertEquals(List.of(0, 1, 2), got.firstBytes());
        assertArrayEquals(Deliveries.bytes(0, 5000), got.all.get(0).bytes());
        assertEquals(0, held(budget, pool));
        assertEquals(ACCEPTED, whole(r, 3, 1));
    }

    @Test
    void unorderedDoesNotNeedBudgetForWholeMessages() {
        ReliableReceiver r = receiver(false);
        whole(r, 1, 4000);
        assertEquals(ACCEPTED, whole(r, 2, 4000), "delivered at once, nothing held");
        assertEquals(0, held(budget, pool));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void fragmentsInAnyOrderMakeTheMessage(boolean ordered) {
        ReliableReceiver r = receiver(ordered);
        // 10 bytes in 3 fragments: stride 4, fragments of 4, 4, 2.
        int[] order = {2, 0, 1};
        for (int i : order) {
            assertEquals(ACCEPTED, fragment(r, 1, 1, 10, 3, i));
        }
        assertEquals(ordered ? 0 : 1, got.size());
        assertEquals(DUPLICATE, fragment(r, 1, 1, 10, 3, 0));
        for (int i : new int[]{1, 0, 3, 2}) {
            assertEquals(ACCEPTED, fragment(r, 0, 0, 2000, 4, i));
            if (i == 1) {
                assertEquals(DUPLICATE, fragment(r, 0, 0, 2000, 4, 1), "fragment already there");
            }
        }
        assertEquals(ordered ? List.of(0, 1) : List.of(1, 0), got.firstBytes());
        for (Deliveries.Delivered d : got.all) {
            assertArrayEquals(Deliveries.bytes(d.bytes()[0], d.bytes().length), d.bytes());
        }
        assertEquals(2000, got.all.get(ordered ? 0 : 1).bytes().length);
        assertEquals(0, held(budget, pool));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void fragmentDisagreeingWithEarlierOnesIsMalformed(boolean ordered) {
        ReliableReceiver r = receiver(ordered);
        assertEquals(ACCEPTED, fragment(r, 3, 3, 100, 4, 0));
        assertEquals(MALFORMED, fragment(r, 3, 3, 101, 4, 1), "other length");
        assertEquals(MALFORMED, fragment(r, 3, 3, 100, 5, 1), "other count");
        assertEquals(ACCEPTED, fragment(r, 3, 3, 100, 4, 1));
    }

    @Test
    void wholeMessageWithTheSequenceOfAPartialOneIsDropped() {
        ReliableReceiver r = receiver(true);
        fragment(r, 1, 1, 100, 2, 0);
        assertEquals(DUPLICATE, whole(r, 1, 10));
    }

    @Test
    void clearGivesTheBudgetBack() {
        ReliableReceiver r = receiver(true);
        whole(r, 1, 100);
        fragment(r, 2, 2, 1000, 2, 0);
        assertEquals(1100, held(budget, pool));
        r.clear();
        assertEquals(0, held(budget, pool));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void memoryHeldFollowsFragmentsReceivedNotTheDeclaredLength(boolean ordered) {
        ByteBudget big = new ByteBudget(4 << 20);
        BufferPool bigPool = new BufferPool(big);
        ReliableReceiver r = new ReliableReceiver(2, ordered, W, got, bigPool, big);
        int length = 1 << 20;
        int count = 1000;
        int stride = (length + count - 1) / count;
        int chunk = (PartialMessage.CHUNK_BYTES / stride) * stride;
        assertEquals(ACCEPTED, fragment(r, 1, 1, length, count, 500));
        assertEquals(chunk, held(big, bigPool), "one fragment of a 1 MiB message holds one chunk");
        assertEquals(ACCEPTED, fragment(r, 1, 1, length, count, 501));
        assertEquals(chunk, held(big, bigPool), "a neighbour shares the chunk");
        assertEquals(ACCEPTED, fragment(r, 1, 1, length, count, count - 1));
        assertEquals(chunk + length % chunk, held(big, bigPool), "the last chunk is only as long as the message's tail");
        r.clear();
        assertEquals(0, held(big, bigPool));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void messageOfManyChunksArrivesByteExactFromFragmentsInAnyOrder(boolean ordered) {
        ByteBudget big = new ByteBudget(4 << 20);
        BufferPool bigPool = new BufferPool(big);
        ReliableReceiver r = new ReliableReceiver(2, ordered, W, got, bigPool, big);
        int length = 200_003;
        int count = 171;
        java.util.List<Integer> order = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new java.util.Random(11));
        for (int i : order) {
            assertEquals(ACCEPTED, fragment(r, 1, 1, length, count, i));
        }
        assertEquals(ordered ? 0 : 1, got.size());
        assertEquals(ordered ? length : 0, held(big, bigPool), "a held message is charged exactly its length");
        assertEquals(ACCEPTED, whole(r, 0, 10));
        assertEquals(ordered ? List.of(0, 1) : List.of(1, 0), got.firstBytes());
        assertArrayEquals(Deliveries.bytes(1, length), got.all.get(ordered ? 1 : 0).bytes());
        assertEquals(0, held(big, bigPool));
    }

    @Test
    void startedMessageIsRefusedFurtherChunksWhenTheBudgetIsFullAndTakesThemLater() {
        ByteBudget small = new ByteBudget(PartialMessage.CHUNK_BYTES + 1000);
        BufferPool smallPool = new BufferPool(small);
        ReliableReceiver r = new ReliableReceiver(2, true, W, got, smallPool, small);
        int length = 3 * PartialMessage.CHUNK_BYTES;
        int count = 60;
        assertEquals(ACCEPTED, fragment(r, 1, 1, length, count, 0));
        assertEquals(REFUSED, fragment(r, 1, 1, length, count, count - 1), "a second chunk does not fit");
        assertEquals(REFUSED, fragment(r, 2, 2, length, count, 0), "nor does a new message");
        assertEquals(ACCEPTED, whole(r, 0, 10));
        // Message 1 is at base now, and is taken whole over the budget so that the channel cannot stall.
        for (int i = 1; i < count; i++) {
            assertEquals(ACCEPTED, fragment(r, 1, 1, length, count, i));
        }
        assertEquals(List.of(0, 1), got.firstBytes());
        assertArrayEquals(Deliveries.bytes(1, length), got.all.get(1).bytes());
        assertEquals(0, held(small, smallPool));
    }

    /** Bytes held for messages: what the budget counts less the buffers the pool keeps for reuse. */
    private static long held(ByteBudget budget, BufferPool pool) {
        return budget.used() - pool.kept();
    }
}
