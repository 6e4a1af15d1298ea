package io.udpnet.messaging;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The set on one thread: membership, the reserved values, growth, shrinking, tombstones. */
class ConcurrentLongSetTest {

    @Test
    void addsRemovesAndAnswers() {
        ConcurrentLongSet s = new ConcurrentLongSet();
        assertFalse(s.contains(42));
        assertTrue(s.add(42));
        assertFalse(s.add(42), "already there");
        assertTrue(s.contains(42));
        assertFalse(s.contains(43));
        assertEquals(1, s.size());
        assertTrue(s.remove(42));
        assertFalse(s.remove(42), "already gone");
        assertFalse(s.contains(42));
        assertEquals(0, s.size());
    }

    @Test
    void theReservedSlotValuesAreMembersLikeAnyOther() {
        ConcurrentLongSet s = new ConcurrentLongSet();
        for (long v : new long[] {0, Long.MIN_VALUE}) {
            assertFalse(s.contains(v), "an empty table is full of zeros; " + v + " is still not a member");
        }
        s.add(7);
        s.remove(7); // leaves a slot that may be empty or a tombstone
        assertFalse(s.contains(0));
        assertFalse(s.contains(Long.MIN_VALUE));
        assertTrue(s.add(0));
        assertTrue(s.add(Long.MIN_VALUE));
        assertFalse(s.add(0));
        assertTrue(s.contains(0));
        assertTrue(s.contains(Long.MIN_VALUE));
        assertEquals(2, s.size());
        assertTrue(s.remove(0));
        assertFalse(s.contains(0));
        assertTrue(s.contains(Long.MIN_VALUE));
        assertTrue(s.remove(Long.MIN_VALUE));
        assertFalse(s.contains(Long.MIN_VALUE));
        assertEquals(0, s.size());
        for (long v : new long[] {-1, Long.MAX_VALUE, Long.MIN_VALUE + 1, 1}) {
            assertTrue(s.add(v));
            assertTrue(s.contains(v));
        }
    }

    @Test
    void growsAtTwoThirdsAndShrinksBelowAnEighth() {
        ConcurrentLongSet s = new ConcurrentLongSet();
        Random r = new Random(1);
        long[] values = new long[10_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextLong();
            s.add(values[i]);
            int c = s.capacity();
            assertTrue(s.size() * 3 <= c * 2, "over two thirds full: " + s.size() + " in " + c);
            assertTrue(c == ConcurrentLongSet.MIN_CAPACITY || s.size() * 8 >= c, s.size() + " in " + c);
        }
        // 10,000 members: between 12 and 24 bytes each.
        assertEquals(16_384, s.capacity());
        for (long v : values) {
            assertTrue(s.contains(v));
        }
        for (int i = 0; i < values.length; i++) {
            assertTrue(s.remove(values[i]));
            int c = s.capacity();
            assertTrue(c == ConcurrentLongSet.MIN_CAPACITY || s.size() * 8 >= c, s.size() + " in " + c);
            if (i % 97 == 0) {
                assertFalse(s.contains(values[i]));
                assertTrue(i + 1 == values.length || s.contains(values[i + 1]));
            }
        }
        assertEquals(ConcurrentLongSet.MIN_CAPACITY, s.capacity(), "gives the memory back when empty");
        assertEquals(0, s.size());
    }

    @Test
    void churnAtASteadySizeKeepsTheTableSmallAndEveryMemberFound() {
        // Connections come and go while about 100 stay open: tombstones accumulate and are cleared by rebuilds at
        // the same size, never by growth.
        ConcurrentLongSet s = new ConcurrentLongSet();
        Set<Long> model = new HashSet<>();
        Random r = new Random(2);
        long[] open = new long[100];
        for (int i = 0; i < open.length; i++) {
            open[i] = r.nextLong();
            s.add(open[i]);
            model.add(open[i]);
        }
        int steady = s.capacity();
        for (int round = 0; round < 200_000; round++) {
            int k = r.nextInt(open.length);
            assertTrue(s.remove(open[k]));
            model.remove(open[k]);
            open[k] = r.nextLong();
            assertTrue(s.add(open[k]));
            model.add(open[k]);
            assertEquals(steady, s.capacity(), "round " + round);
        }
        assertEquals(model.size(), s.size());
        for (long v : model) {
            assertTrue(s.contains(v));
        }
        for (int i = 0; i < 10_000; i++) {
            long v = r.nextLong();
            assertEquals(model.contains(v), s.contains(v));
        }
    }

    @Test
    void valuesThatCollideOnTheirHomeSlotAreAllKept() {
        // Tokens differ only above their shard tag; many of a shard's tokens share low bits. Force long probe runs
        // with values that differ in few bits, then remove from the middle of the runs.
        ConcurrentLongSet s = new ConcurrentLongSet();
        for (long i = 1; i <= 64; i++) {
            s.add(i << 56 | 5);
        }
        for (long i = 1; i <= 64; i += 2) {
            assertTrue(s.remove(i << 56 | 5));
        }
        for (long i = 1; i <= 64; i++) {
            assertEquals(i % 2 == 0, s.contains(i << 56 | 5), "value " + i);
        }
        assertEquals(32, s.size());
    }
}
