package io.udpnet.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossMonitorTest {
    private static final int SIZE = 1000;
    private static final long MS = 1_000_000L;

    /** One round of {@code sent} datagrams of which {@code lost} were lost, with RTT samples {@code rtt}. */
    private static boolean round(LossMonitor m, int sent, int lost, long rtt) {
        for (int i = 0; i < sent; i++) {
            m.onSent((long) (i + 1) * SIZE);
        }
        for (int i = 0; i < lost; i++) {
            m.onLost(SIZE, false);
        }
        m.onRttSample(rtt);
        return m.endRound((long) (sent - lost) * SIZE, 50 * MS, 3, 0);
    }

    @Test
    void lossBelowTheThresholdIsNoise() {
        LossMonitor m = new LossMonitor(0.15);
        for (int r = 0; r < 20; r++) {
            assertFalse(round(m, 100, 10, 50 * MS), "round " + r);
        }
    }

    @Test
    void persistentHeavyLossIsCongestion() {
        LossMonitor m = new LossMonitor(0.15);
        for (int r = 0; r < 3; r++) {
            assertFalse(round(m, 100, 5, 50 * MS));
        }
        // Three rounds at 5% and one at 40%: 55 of 400 is under 15%.
        assertFalse(round(m, 100, 40, 50 * MS));
        // The oldest 5% round drops out of the window: now 90 of 400.
        assertTrue(round(m, 100, 40, 50 * MS));
        assertEquals(100 * SIZE, m.lastRoundMaxInflight());
        assertFalse(m.lastJudgedByQueue());
        // The history starts over after a verdict.
        assertFalse(round(m, 100, 5, 50 * MS));
    }

    @Test
    void lossWithAStandingQueueCountsAtALowerThreshold() {
        LossMonitor m = new LossMonitor(0.15);
        assertFalse(round(m, 100, 5, 55 * MS), "a queue of a tenth of the RTT is not standing");
        assertTrue(round(m, 100, 5, 70 * MS));
        assertTrue(m.lastJudgedByQueue());
        assertFalse(round(m, 100, 1, 70 * MS), "a single loss is too few to judge");
    }

    @Test
    void tooFewLossesNeverCount() {
        LossMonitor m = new LossMonitor(0.15);
        assertFalse(round(m, 4, 2, 50 * MS));
    }

    @Test
    void randomLossRateComesFromRoundsWithoutAQueue() {
        LossMonitor m = new LossMonitor(0.45);
        assertEquals(0, m.randomLossRate());
        for (int r = 0; r < 40; r++) {
            round(m, 100, 20, 52 * MS);
        }
        assertEquals(0.2, m.randomLossRate(), 1e-9);
        // Rounds that show a standing queue, or a queue as long as the path, do not move it.
        for (int r = 0; r < 10; r++) {
            round(m, 100, 50, 70 * MS);
        }
        assertEquals(0.2, m.randomLossRate(), 1e-9);
        m.onRttSample(50 * MS);
        m.onRttSample(110 * MS);
        m.onLost(SIZE, false);
        m.endRound(0, 50 * MS, 3, 0);
        assertEquals(0.2, m.randomLossRate(), 1e-9);
        // Recent rounds weigh more: a cleaner path shows within a few rounds.
        for (int r = 0; r < 30; r++) {
            round(m, 100, 5, 52 * MS);
        }
        assertEquals(0.05, m.randomLossRate(), 0.01);
    }

    @Test
    void lossesOfProbingDatagramsAreNotRandom() {
        LossMonitor m = new LossMonitor(0.45);
        for (int r = 0; r < 20; r++) {
            m.onLost(SIZE, true);
            m.onLost(SIZE, true);
            m.onRttSample(50 * MS);
            m.endRound(98 * SIZE, 50 * MS, 3, 0);
        }
        assertEquals(0, m.randomLossRate());
    }

    @Test
    void randomLossRateStopsAtTheThreshold() {
        LossMonitor m = new LossMonitor(0.3);
        for (int r = 0; r < 10; r++) {
            round(m, 100, 60, 50 * MS);
        }
        assertEquals(0.3, m.randomLossRate());
    }

    @Test
    void aShortQueueThroughTheWholeRoundIsStanding() {
        LossMonitor m = new LossMonitor(0.45);
        round(m, 100, 0, 55 * MS);
        assertFalse(m.lastRoundQueued(), "a tenth above the minimum");
        round(m, 100, 0, 57 * MS);
        assertTrue(m.lastRoundQueued(), "more than an eighth above");
        m.onRttSample(57 * MS);
        m.onRttSample(50 * MS);
        m.endRound(100 * SIZE, 50 * MS, 3, 0);
        assertFalse(m.lastRoundQueued(), "one sample at the minimum: the queue emptied");
    }
}
