package io.udpnet.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.udpnet.engine.ChannelReceiver.ACCEPTED;
import static io.udpnet.engine.ChannelReceiver.DUPLICATE;
import static io.udpnet.engine.ChannelReceiver.REFUSED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sender that keeps to the window (never a message at or past its oldest unacknowledged one + W), sends packets
 * in random order, repeats them at random (lost acks) and resends refused ones: the receiver delivers every
 * message exactly once, byte-exact, in order when ordered, and ends holding no bytes.
 */
class ReliableReceiverPropertyTest {

    record Pkt(int msg, int index, int count, int length, int from, int len) {
    }

    @Property(tries = 300)
    void everyMessageExactlyOnce(@ForAll long seed) {
        Random rnd = new Random(seed);
        boolean ordered = rnd.nextBoolean();
        int window = 16 << rnd.nextInt(3);
        ByteBudget budget = new ByteBudget(4096 + rnd.nextInt(20_000));
        BufferPool pool = new BufferPool(budget);
        Deliveries got = new Deliveries();
        ReliableReceiver r = new ReliableReceiver(0, ordered, window, got, pool, budget);
        int messages = 20 + rnd.nextInt(150);
        List<byte[]> bodies = new ArrayList<>();
        List<List<Pkt>> pending = new ArrayList<>();
        for (int m = 0; m < messages; m++) {
            int size = rnd.nextInt(4) == 0 ? 10 + rnd.nextInt(6000) : rnd.nextInt(200);
            byte[] body = new byte[size];
            rnd.nextBytes(body);
            if (size > 0) {
                body[0] = (byte) m;
            }
            bodies.add(body);
            List<Pkt> ps = new ArrayList<>();
            int count = size >= 10 && rnd.nextBoolean() ? 2 + rnd.nextInt(Math.min(30, size / 2)) : 1;
            int stride = (size + count - 1) / count;
            if (count > 1 && (long) stride * (count - 1) >= size) {
                count = 1;
                stride = size;
            }
            for (int i = 0; i < count; i++) {
                int from = i * stride;
                ps.add(new Pkt(m, i, count, size, from, count == 1 ? size : Math.min(stride, size - from)));
            }
            pending.add(ps);
        }
        int h = 0;
        int steps = 0;
        while (h < messages && steps++ < 200_000) {
            int m = h + rnd.nextInt(Math.min(window, messages - h));
            List<Pkt> ps = pending.get(m);
            if (ps.isEmpty()) {
                continue;
            }
            Pkt p = ps.get(rnd.nextInt(ps.size()));
            ByteBuffer b = ByteBuffer.allocate(p.len() + 4);
            b.put(4, bodies.get(m), p.from(), p.len());
            int seq = m;
            int result = p.count() == 1 ? r.onMessage(seq, b, 4, p.len())
                    : r.onFragment(seq, p.index(), p.count(), p.length(), b, 4, p.len());
            assertTrue(result == ACCEPTED || result == DUPLICATE || result == REFUSED, "result " + result);
            if (result == REFUSED) {
                // The receiver's base is at or after h, so message h is taken or is a duplicate.
                assertTrue(m != h, "the oldest message is always taken");
            }
            if (result != REFUSED && rnd.nextInt(5) > 0) {
                ps.remove(p);
            }
            while (h < messages && pending.get(h).isEmpty()) {
                h++;
            }
        }
        assertTrue(h == messages, "all acknowledged within the step limit");
        assertEquals(messages, got.size());
        if (ordered) {
            for (int m = 0; m < messages; m++) {
                assertArrayEquals(bodies.get(m), got.all.get(m).bytes(), "message " + m);
            }
        } else {
            boolean[] seen = new boolean[messages];
            for (Deliveries.Delivered d : got.all) {
                int m = -1;
                for (int k = 0; k < messages; k++) {
                    if (!seen[k] && java.util.Arrays.equals(bodies.get(k), d.bytes())) {
                        m = k;
                        break;
                    }
                }
                assertTrue(m >= 0, "delivered bytes match a message not delivered before");
                seen[m] = true;
            }
        }
        assertEquals(0, held(budget, pool));
        pool.shed();
        assertEquals(0, budget.used(), "with the kept buffers let go, the budget is back to zero");
    }

    /** Bytes held for messages: what the budget counts less the buffers the pool keeps for reuse. */
    private static long held(ByteBudget budget, BufferPool pool) {
        return budget.used() - pool.kept();
    }
}
