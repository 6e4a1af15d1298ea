package io.udpnet.engine;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static io.udpnet.engine.ChannelReceiver.ACCEPTED;
import static io.udpnet.engine.ChannelReceiver.REFUSED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reassembly into pooled memory: large messages are delivered from a buffer the pool keeps, its chunks come back to
 * the pool, what the pool keeps counts against the receive budget and is given up before the budget refuses data.
 */
class PooledReassemblyTest {
    private static final int W = 64;
    private static final int DATAGRAM_PAYLOAD = 1400;

    /** Backing arrays of the buffers messages were delivered from, and what each delivery held. */
    private final Map<byte[], Integer> deliveredFrom = new IdentityHashMap<>();
    private final List<byte[]> messages = new ArrayList<>();
    private final MessageListener recorder = (channel, buffer, offset, length) -> {
        byte[] b = new byte[length];
        buffer.get(offset, b);
        messages.add(b);
        if (buffer.hasArray()) {
            deliveredFrom.merge(buffer.array(), 1, Integer::sum);
        }
    };

    private static int fragments(int length) {
        return (length + DATAGRAM_PAYLOAD - 1) / DATAGRAM_PAYLOAD;
    }

    private static void sendAll(ReliableReceiver r, int seq, int length, boolean reverse) {
        int count = fragments(length);
        for (int k = 0; k < count; k++) {
            int i = reverse ? count - 1 - k : k;
            assertEquals(ACCEPTED, ReliableReceiverTest.fragment(r, seq, seq & 0xFF, length, count, i));
        }
    }

    @Test
    void messagesOfManySizesArriveByteExactAndTheSecondRoundAllocatesNoDeliveryBuffer() {
        ByteBudget budget = new ByteBudget(8 << 20);
        BufferPool pool = new BufferPool(budget);
        ReliableReceiver r = new ReliableReceiver(0, true, W, recorder, pool, budget);
        int[] sizes = {1401, 5000, 16 * 1024, 16 * 1024 + 1, 65_536, 65_537, 200_003, 1 << 20, (1 << 20) - 7, 333_333};
        int seq = 0;
        for (int round = 0; round < 2; round++) {
            if (round == 1) {
                deliveredFrom.clear();
            }
            for (int size : sizes) {
                sendAll(r, seq, size, (seq & 1) == 1);
                byte[] got = messages.get(messages.size() - 1);
                assertArrayEquals(Deliveries.bytes(seq & 0xFF, size), got, "message of " + size + " bytes");
                assertEquals(budget.used(), pool.kept(), "after delivery only the kept buffers are counted");
                seq++;
            }
        }
        assertEquals(2 * sizes.length, messages.size());
        // Above 64 KiB every message of the second round came out of the one large buffer the pool keeps.
        long large = java.util.Arrays.stream(sizes).filter(s -> s > 65_536).count();
        assertTrue(deliveredFrom.values().stream().anyMatch(n -> n >= large),
                "one buffer served every large message of the second round: " + deliveredFrom.values());
        assertTrue(pool.shed());
        assertEquals(0, budget.used());
    }

    @Test
    void aLargeMessageOutOfOrderIsHeldInChunksThenDeliveredFromOneKeptBuffer() {
        ByteBudget budget = new ByteBudget(4 << 20);
        BufferPool pool = new BufferPool(budget);
        ReliableReceiver r = new ReliableReceiver(0, true, W, recorder, pool, budget);
        int length = 1 << 20;
        sendAll(r, 1, length, false);
        assertTrue(messages.isEmpty(), "message 1 waits for message 0");
        long chunks = budget.used() - pool.kept();
        assertEquals(length, chunks, "held in chunks as its fragments landed");
        sendAll(r, 0, length, true);
        assertEquals(2, messages.size());
        assertArrayEquals(Deliveries.bytes(0, length), messages.get(0));
        assertArrayEquals(Deliveries.bytes(1, length), messages.get(1));
        assertEquals(1, deliveredFrom.size(), "both came out of the same buffer: " + deliveredFrom.values());
        assertEquals(budget.used(), pool.kept());
    }

    @Test
    void anAbandonedPartialMessageFreesItsChunksAndTheBudgetComesBackWhole() {
        ByteBudget budget = new ByteBudget(4 << 20);
        BufferPool pool = new BufferPool(budget);
        ReliableReceiver r = new ReliableReceiver(0, true, W, recorder, pool, budget);
        int length = 1 << 20;
        int count = fragments(length);
        // A hostile peer: a few fragments of messages that never complete. Memory follows what arrived.
        for (int seq = 1; seq < 10; seq++) {
            assertEquals(ACCEPTED, ReliableReceiverTest.fragment(r, seq, seq, length, count, seq * 7));
        }
        assertEquals(9L * (PartialMessage.CHUNK_BYTES / DATAGRAM_PAYLOAD * DATAGRAM_PAYLOAD),
                budget.used() - pool.kept(), "one chunk per message started, not its declared length");
        r.clear();
        assertEquals(0, budget.used() - pool.kept());
        assertTrue(pool.kept() > 0, "the chunks went back to the pool");
        pool.shed();
        assertEquals(0, budget.used());
        assertTrue(messages.isEmpty());
    }

    @Test
    void keptBuffersAreGivenUpBeforeTheBudgetRefusesData() {
        ByteBudget budget = new ByteBudget(1 << 20);
        BufferPool pool = new BufferPool(budget);
        ReliableReceiver r = new ReliableReceiver(0, true, W, recorder, pool, budget);
        sendAll(r, 0, 600_000, false);
        assertTrue(pool.kept() >= 600_000, "chunks and the delivery buffer kept: " + pool.kept());
        // Message 2 is out of order and needs room the kept buffers hold: they go, and it is taken.
        sendAll(r, 2, 900_000, false);
        assertTrue(budget.used() <= 1 << 20, "the budget holds: " + budget.used());
        assertEquals(1, messages.size());
        sendAll(r, 1, 10_000, false);
        assertEquals(3, messages.size());
        assertArrayEquals(Deliveries.bytes(2, 900_000), messages.get(2));
        assertEquals(budget.used(), pool.kept());
    }

    @Test
    void outOfOrderDataBeyondTheBudgetIsStillRefusedWhenNothingIsKept() {
        ByteBudget budget = new ByteBudget(64 << 10);
        BufferPool pool = new BufferPool(budget);
        ReliableReceiver r = new ReliableReceiver(0, true, W, recorder, pool, budget);
        int length = 1 << 20;
        int count = fragments(length);
        int refused = 0;
        for (int i = 0; i < count; i++) {
            if (ReliableReceiverTest.fragment(r, 1, 1, length, count, i) == REFUSED) {
                refused++;
            }
        }
        assertTrue(refused > 0);
        assertTrue(budget.used() <= 64 << 10, "held " + budget.used());
    }

    @Test
    void keptBytesCountAgainstTheBudgetAndComeBackWhenTakenOut() {
        ByteBudget budget = new ByteBudget(100_000);
        BufferPool pool = new BufferPool(budget);
        ByteBuffer a = pool.acquire(16 * 1024);
        ByteBuffer b = pool.acquire(70_000);
        assertEquals(0, budget.used(), "buffers in use are the caller's to count");
        pool.release(a);
        assertEquals(16 * 1024, budget.used());
        pool.release(b);
        assertEquals(16 * 1024, budget.used(), "a 128 KiB buffer does not fit what is left: dropped");
        assertEquals(16 * 1024, pool.kept());
        assertSame(a, pool.acquire(10_000));
        assertEquals(0, budget.used());
        assertFalse(pool.shed(), "nothing kept");
    }

    @Test
    void oneLargeBufferIsKeptTheLargerOfTwo() {
        ByteBudget budget = new ByteBudget(64 << 20);
        BufferPool pool = new BufferPool(budget);
        ByteBuffer small = pool.acquire(100_000);
        ByteBuffer big = pool.acquire(1 << 20);
        pool.release(small);
        pool.release(big);
        assertEquals(1 << 20, pool.kept());
        assertSame(big, pool.acquire(70_000), "any large size up to its capacity");
        assertEquals(0, pool.kept());
        pool.release(big);
        assertNotSame(big, pool.acquire((1 << 20) + 1), "too small for this one");
        assertSame(big, pool.acquire(1 << 20));
    }

    @Test
    void theChunksOfAWholeMegabyteMessageAreAllKept() {
        ByteBudget budget = new ByteBudget(64 << 20);
        BufferPool pool = new BufferPool(budget);
        List<ByteBuffer> chunks = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            chunks.add(pool.acquire(PartialMessage.CHUNK_BYTES));
        }
        chunks.forEach(pool::release);
        assertEquals(64L * PartialMessage.CHUNK_BYTES, pool.kept());
        for (int i = 0; i < 64; i++) {
            ByteBuffer c = pool.acquire(PartialMessage.CHUNK_BYTES);
            assertTrue(chunks.stream().anyMatch(k -> k == c), "chunk " + i + " reused");
        }
    }
}
