package io.udpnet.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The tracker against a model on unwrapped sequence numbers (less than one full wrap, crossing 65535 -> 0):
 * classification, the ack field and all 64 ack bits after every arrival, with reordering, gaps, duplicates and
 * refused datagrams.
 */
class AckTrackerPropertyTest {

    @Property(tries = 200)
    void agreesWithAModel(@ForAll long seed) {
        Random rnd = new Random(seed);
        AckTracker t = new AckTracker(2, 5_000_000);
        long start = 65536 - rnd.nextInt(2000);
        Set<Long> seen = new HashSet<>();
        Set<Long> acked = new HashSet<>();
        long newestSeen = -1;
        long newestAcked = -1;
        long cursor = start;
        for (int step = 0; step < 400; step++) {
            long s;
            int kind = rnd.nextInt(10);
            if (kind < 6 || newestSeen < 0) {
                cursor += 1 + (rnd.nextInt(8) == 0 ? rnd.nextInt(300) : 0);
                s = cursor;
            } else if (kind < 9) {
                s = newestSeen - rnd.nextInt(300);
            } else {
                s = newestSeen - 200 - rnd.nextInt(200);
            }
            if (s < start) {
                continue;
            }
            int wire = (int) (s & 0xFFFF);
            int expected = newestSeen < 0 || s > newestSeen ? AckTracker.NEW
                    : newestSeen - s >= AckTracker.WINDOW ? AckTracker.TOO_OLD
                    : seen.contains(s) ? AckTracker.DUPLICATE : AckTracker.NEW;
            assertEquals(expected, t.classify(wire), "sequence " + s + " (newest " + newestSeen + ")");
            if (expected != AckTracker.NEW) {
                continue;
            }
            boolean ackable = rnd.nextInt(6) > 0;
            t.onReceived(wire, ackable, rnd.nextBoolean(), step);
            seen.add(s);
            newestSeen = Math.max(newestSeen, s);
            if (ackable) {
                acked.add(s);
                newestAcked = Math.max(newestAcked, s);
            }
            assertEquals(newestAcked >= 0, t.hasAck());
            if (newestAcked >= 0) {
                assertEquals((int) (newestAcked & 0xFFFF), t.ack());
                long bits = 0;
                for (int i = 0; i < 64; i++) {
                    if (acked.contains(newestAcked - 1 - i)) {
                        bits |= 1L << i;
                    }
                }
                assertEquals(Long.toBinaryString(bits), Long.toBinaryString(t.ackBits()), "ack bits at " + s);
            }
        }
    }
}
