package io.udpnet.messaging;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random sequences of adds, removes and lookups, over a pool of values that includes the reserved slot values and
 * values close together, answer as a {@code HashSet} does, and the table stays between an eighth and two thirds full.
 */
class ConcurrentLongSetPropertyTest {

    @Property(tries = 300)
    void behavesAsAHashSet(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int poolSize) {
        Random r = new Random(seed);
        long[] pool = new long[poolSize];
        for (int i = 0; i < poolSize; i++) {
            pool[i] = switch (r.nextInt(8)) {
                case 0 -> 0;
                case 1 -> Long.MIN_VALUE;
                case 2 -> i; // small, consecutive
                case 3 -> (long) i << 40 | 3; // same low bits, as a shard's tokens have
                default -> r.nextLong();
            };
        }
        ConcurrentLongSet s = new ConcurrentLongSet();
        Set<Long> model = new HashSet<>();
        // Phases biased to adding, then to removing, so that the table grows, churns and shrinks.
        int ops = 4 * poolSize + 200;
        for (int op = 0; op < ops; op++) {
            int addPercent = (op / (poolSize + 50)) % 2 == 0 ? 70 : 30;
            long v = pool[r.nextInt(poolSize)];
            int dice = r.nextInt(100);
            if (dice < addPercent) {
                assertEquals(model.add(v), s.add(v), "add " + v);
            } else if (dice < 90) {
                assertEquals(model.remove(v), s.remove(v), "remove " + v);
            } else {
                assertEquals(model.contains(v), s.contains(v), "contains " + v);
            }
            assertEquals(model.size(), s.size());
            int c = s.capacity();
            assertTrue(s.size() * 3 <= c * 2 + 6, s.size() + " members in " + c + " slots");
            assertTrue(c == ConcurrentLongSet.MIN_CAPACITY || s.size() * 8 >= c, s.size() + " in " + c);
        }
        for (long v : pool) {
            assertEquals(model.contains(v), s.contains(v), "at the end, " + v);
        }
        for (int i = 0; i < 200; i++) {
            long v = r.nextLong();
            assertEquals(model.contains(v), s.contains(v), "a random value " + v);
        }
    }
}
