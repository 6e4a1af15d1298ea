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
}
