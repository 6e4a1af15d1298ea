package io.udpnet.wire;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeqTest {

    @Test
    void wrapsAroundAtTheTop() {
        assertEquals(0, Seq.add(65535, 1));
        assertEquals(65535, Seq.add(0, -1));
        assertTrue(Seq.newer(0, 65535));
        assertTrue(Seq.newer(5, 65530));
        assertFalse(Seq.newer(65530, 5));
        assertEquals(1, Seq.distance(65535, 0));
        assertEquals(-32768, Seq.distance(0, 32768));
    }

    @Property
    void newerIsAStrictOrderWithinHalfTheCircle(@ForAll @IntRange(max = 65535) int a,
                                                @ForAll @IntRange(min = 1, max = 32767) int step) {
        int b = Seq.add(a, step);
        assertTrue(Seq.newer(b, a));
        assertFalse(Seq.newer(a, b));
        assertFalse(Seq.newer(a, a));
        assertEquals(step, Seq.distance(a, b));
        assertEquals(-step, Seq.distance(b, a));
    }
}
