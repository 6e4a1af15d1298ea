package io.udpnet.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowedFilterTest {

    @Test
    void maxHoldsTheLargestUntilItAgesOut() {
        WindowedFilter f = new WindowedFilter(true, 10);
        assertEquals(-1, f.best(-1));
        f.update(100, 0);
        f.update(50, 3);
        f.update(70, 6);
        assertEquals(100, f.best(0));
        f.update(60, 10);
        assertEquals(100, f.best(0), "still inside the window at age 10");
        // At age 11 the best has expired; the runner-up kept from a later sub-window takes over.
        assertEquals(70, f.update(40, 11));
        assertEquals(70, f.update(30, 14));
        assertEquals(60, f.update(20, 17));
    }

    @Test
    void minTracksTheSmallest() {
        WindowedFilter f = new WindowedFilter(false, 100);
        f.update(50, 0);
        f.update(40, 10);
        f.update(45, 20);
        assertEquals(40, f.best(0));
        assertEquals(30, f.update(30, 30));
        // Long after everything: a single fresh sample is the whole story.
        assertEquals(90, f.update(90, 500));
    }

    @Test
    void clearForgets() {
        WindowedFilter f = new WindowedFilter(true, 5);
        f.update(7, 1);
        f.clear();
        assertTrue(f.isEmpty());
        assertEquals(3, f.update(3, 2));
        assertFalse(f.isEmpty());
    }

    @Test
    void rejectsAnEmptyWindow() {
        assertThrows(IllegalArgumentException.class, () -> new WindowedFilter(true, 0));
    }

    /**
     * Whatever the samples: the best is never worse than the latest sample, is one of the samples still inside
     * the window, and equals the true best whenever that is recent (within a quarter of the window).
     */
    @Property(tries = 300)
    void maxIsASampleFromTheWindow(
            @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 1000) Integer> values,
                                   @ForAll @IntRange(min = 1, max = 3) int step,
                                   @ForAll @IntRange(min = 4, max = 40) int window) {
        WindowedFilter f = new WindowedFilter(true, window);
        for (int i = 0; i < values.size(); i++) {
            long t = (long) i * step;
            long best = f.update(values.get(i), t);
            assertTrue(best >= values.get(i));
            long trueMax = Long.MIN_VALUE;
            boolean found = false;
            long recentMax = Long.MIN_VALUE;
            for (int j = 0; j <= i; j++) {
                long tj = (long) j * step;
                if (t - tj <= window) {
                    trueMax = Math.max(trueMax, values.get(j));
                    found |= values.get(j) == best;
                }
                if (t - tj <= window / 4) {
                    recentMax = Math.max(recentMax, values.get(j));
                }
            }
            assertTrue(found, "best " + best + " is not a sample inside the window at t=" + t);
            assertTrue(best <= trueMax);
            if (recentMax == trueMax) {
                assertEquals(trueMax, best, "at t=" + t);
            }
        }
    }
}
