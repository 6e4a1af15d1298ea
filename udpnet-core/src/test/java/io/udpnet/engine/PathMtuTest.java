package io.udpnet.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PathMtu}'s search driven by hand: probes acknowledged or lost, and "too big" reports from the network. */
class PathMtuTest {
    private static final long MS = 1_000_000L;

    /** Runs the search to its end against a path carrying {@code pathLimit}-byte datagrams; returns the time. */
    private static long search(PathMtu p, int pathLimit, long now) {
        int seq = 0;
        for (int i = 0; i < 200; i++) {
            now += 200 * MS;
            int size = p.probeDue(now);
            if (size == 0) {
                continue;
            }
            p.onProbeSent(++seq, size);
            if (size <= pathLimit) {
                p.onAcked(seq, size);
            } else {
                p.onLost(seq, size, now);
            }
        }
        return now;
    }

    @Test
    void aTooBigReportCapsTheSearchWithoutLosingThreeProbesPerSize() {
        PathMtu p = new PathMtu(1472, true, 0);
        p.tooBig(1372, 0);
        search(p, 1372, 0);
        assertTrue(p.current() <= 1372 && p.current() > 1372 - 16, "settled at " + p.current());
        assertEquals(0, p.blackHoles());
    }

    @Test
    void aPathThatShrinksBelowTheCurrentSizeFallsBackAtOnceAndSearchesBelowTheNewCap() {
        PathMtu p = new PathMtu(1472, true, 0);
        long now = search(p, 1472, 0);
        assertTrue(p.current() > 1456, "settled at " + p.current());
        p.tooBig(1252, now);
        assertEquals(1200, p.current(), "falls back to the base size at once");
        search(p, 1252, now);
        assertTrue(p.current() <= 1252 && p.current() > 1252 - 16, "settled again at " + p.current());
    }

    @Test
    void aReportBelowTheProtocolFloorIsIgnored() {
        PathMtu p = new PathMtu(1472, true, 0);
        long now = search(p, 1472, 0);
        int before = p.current();
        p.tooBig(576 - 28, now);
        assertEquals(before, p.current());
    }

    @Test
    void aBurstLostBeforeALargeDatagramThatGotThroughIsNoBlackHole() {
        PathMtu p = new PathMtu(1472, true, 0);
        long now = search(p, 1472, 0);
        int size = p.current();
        // A queue overflows: datagrams 1000..1009 are lost, 1010 gets through, and the losses are declared after.
        p.onAcked(1010, size);
        for (int seq = 1000; seq < 1010; seq++) {
            p.onLost(seq, size, now);
        }
        assertEquals(size, p.current());
        assertEquals(0, p.blackHoles());
        // Three large datagrams lost with nothing large acknowledged after them: a black hole.
        for (int seq = 1011; seq < 1014; seq++) {
            p.onLost(seq, size, now);
        }
        assertEquals(1200, p.current());
        assertEquals(1, p.blackHoles());
    }
}
