package io.udpnet.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteRingTest {

    private static byte[] read(ByteRing ring, long from, int length) {
        ByteBuffer out = ByteBuffer.allocate(length + 8);
        ring.copyOut(from, length, out, 4);
        byte[] b = new byte[length];
        out.get(4, b);
        return b;
    }

    @Test
    void growsWhileWrappedAndKeepsAbsolutePositions() {
        ByteRing ring = new ByteRing(16);
        byte[] a = new byte[20];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) (i + 1);
        }
        long p0 = ring.append(ByteBuffer.wrap(a), 0, a.length);
        ring.releaseTo(p0 + 18);
        // The next append wraps around the end of the backing array, then a large one forces growth.
        byte[] b = new byte[25];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (100 + i);
        }
        long p1 = ring.append(ByteBuffer.wrap(b), 0, b.length);
        byte[] c = new byte[200];
        for (int i = 0; i < c.length; i++) {
            c[i] = (byte) (-i);
        }
        long p2 = ring.append(ByteBuffer.wrap(c), 0, c.length);
        assertEquals(20, p1);
        assertEquals(45, p2);
        assertEquals(2 + 25 + 200, ring.size());
        assertArrayEquals(new byte[]{19, 20}, read(ring, p0 + 18, 2));
        assertArrayEquals(b, read(ring, p1, 25));
        assertArrayEquals(c, read(ring, p2, 200));
    }

    @Property(tries = 200)
    void bytesReadBackEqualBytesAppended(@ForAll long seed) {
        Random rnd = new Random(seed);
        ByteRing ring = new ByteRing(1 + rnd.nextInt(64));
        ArrayDeque<long[]> held = new ArrayDeque<>(); // {position, length, seed}
        for (int step = 0; step < 200; step++) {
            if (rnd.nextInt(3) > 0) {
                int n = rnd.nextInt(rnd.nextInt(10) == 0 ? 3000 : 100);
                byte[] m = new byte[n];
                long s = rnd.nextLong();
                new Random(s).nextBytes(m);
                ByteBuffer src = ByteBuffer.allocate(n + 3);
                src.position(3);
                src.put(m).position(3);
                long tailBefore = ring.tail();
                assertEquals(tailBefore, ring.append(src, src.position(), src.remaining()));
                assertEquals(3, src.position(), "append leaves the source position alone");
                held.add(new long[]{tailBefore, n, s});
            } else if (!held.isEmpty()) {
                held.poll();
                ring.releaseTo(held.isEmpty() ? ring.tail() : held.peek()[0]);
            }
            if (step % 20 == 19) {
                checkAll(ring, held);
            }
        }
        checkAll(ring, held);
    }

    private static void checkAll(ByteRing ring, ArrayDeque<long[]> held) {
        long bytes = 0;
        for (long[] h : held) {
            byte[] m = new byte[(int) h[1]];
            new Random(h[2]).nextBytes(m);
            assertArrayEquals(m, read(ring, h[0], (int) h[1]));
            bytes += h[1];
        }
        assertEquals(bytes, ring.size());
    }
}
