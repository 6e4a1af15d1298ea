package io.udpnet.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.udpnet.engine.ChannelReceiver.ACCEPTED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random loss and reordering of whole and fragmented messages across the sequence wrap: every delivered message is
 * exactly one that was sent (never a mix of two), none twice, sequenced ones in strictly increasing order, and
 * the receive budget is back to zero once the receiver is cleared.
 */
class UnreliableReceiverPropertyTest {

    record Pkt(int msg, int index, int count, int from, int len) {
    }

    @Property(tries = 200)
    void deliversOnlyWholeMessagesAtMostOnce(@ForAll long seed) {
        Random rnd = new Random(seed);
        boolean sequenced = rnd.nextBoolean();
        ByteBudget budget = new ByteBudget(4096 + rnd.nextInt(30_000));
        BufferPool pool = new BufferPool(budget);
        Counters stats = new Counters();
        List<byte[]> bodies = new ArrayList<>();
        List<Integer> deliveredSeqs = new ArrayList<>();
        int first = 65536 - rnd.nextInt(400);
        MessageListener handler = (ch, buf, off, len) -> {
            byte[] m = new byte[len];
            buf.get(off, m);
            // Each body starts with its index as a 4-byte int (every message is at least 4 bytes).
            int idx = ByteBuffer.wrap(m).getInt(0);
            assertTrue(idx >= 0 && idx < bodies.size(), "index " + idx);
            assertArrayEquals(bodies.get(idx), m, "message " + idx);
            deliveredSeqs.add(idx);
        };
        UnreliableReceiver r = new UnreliableReceiver(0, sequenced, handler, pool, budget, stats);
        int messages = 50 + rnd.nextInt(300);
        List<Pkt> arrivals = new ArrayList<>();
        for (int m = 0; m < messages; m++) {
            int size = 4 + (rnd.nextInt(3) == 0 ? rnd.nextInt(5000) : rnd.nextInt(100));
            byte[] body = new byte[size];
            rnd.nextBytes(body);
            ByteBuffer.wrap(body).putInt(0, m);
            bodies.add(body);
            int count = size >= 8 && rnd.nextBoolean() ? 2 + rnd.nextInt(4) : 1;
            int stride = (size + count - 1) / count;
            if (count > 1 && stride * (count - 1) >= size) {
                count = 1;
                stride = size;
            }
            for (int i = 0; i < count; i++) {
                if (rnd.nextInt(10) > 0) {
                    arrivals.add(new Pkt(m, i, count, i * stride, count == 1 ? size : Math.min(stride, size - i * stride)));
                }
            }
        }
        // Bounded reordering: shuffle within small blocks, and move a few packets far.
        for (int i = 0; i < arrivals.size(); i += 6) {
            Collections.shuffle(arrivals.subList(i, Math.min(arrivals.size(), i + 6)), rnd);
        }
        for (int k = 0; k < arrivals.size() / 20; k++) {
            int a = rnd.nextInt(arrivals.size());
            int b = Math.min(arrivals.size() - 1, a + rnd.nextInt(60));
            Collections.swap(arrivals, a, b);
        }
        for (Pkt p : arrivals) {
            ByteBuffer b = ByteBuffer.allocate(p.len() + 2);
            b.put(2, bodies.get(p.msg()), p.from(), p.len());
            int seq = (first + p.msg()) & 0xFFFF;
            int result = p.count() == 1 ? r.onMessage(seq, b, 2, p.len())
                    : r.onFragment(seq, p.index(), p.count(), bodies.get(p.msg()).length, b, 2, p.len());
            assertEquals(ACCEPTED, result);
        }
        for (int i = 0; i < deliveredSeqs.size(); i++) {
            for (int j = 0; j < i; j++) {
                assertTrue(!deliveredSeqs.get(i).equals(deliveredSeqs.get(j)), "delivered twice");
                if (sequenced) {
                    assertTrue(deliveredSeqs.get(j) < deliveredSeqs.get(i), "sequenced order");
                }
            }
        }
        r.clear();
        assertEquals(0, held(budget, pool));
        pool.shed();
        assertEquals(0, budget.used(), "with the kept buffers let go, the budget is back to zero");
    }

    /** Bytes held for messages: what the budget counts less the buffers the pool keeps for reuse. */
    private static long held(ByteBudget budget, BufferPool pool) {
        return budget.used() - pool.kept();
    }
}
