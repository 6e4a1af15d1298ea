package io.udpnet.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 6298 arithmetic of PROTOCOL.md section 5, on samples worked out by hand (all values in nanoseconds;
 * 1 ms = 1_000_000).
 */
class RttEstimatorTest {
    private static final long MS = 1_000_000;
    private static final long MAX_ACK_DELAY = 5 * MS;

    @Test
    void beforeAnySampleTheInitialRttIsUsed() {
        RttEstimator r = new RttEstimator(100 * MS);
        assertFalse(r.hasSample());
        assertEquals(100 * MS, r.smoothedNanos());
        assertEquals(50 * MS, r.varianceNanos(), "rttvar = srtt / 2");
        assertEquals(0, r.minNanos());
        assertEquals(0, r.latestNanos());
        // PTO = 100 + max(4 * 50, 1) + 5 = 305 ms
        assertEquals(305 * MS, r.probeTimeoutNanos(MAX_ACK_DELAY));
        // loss reference = max(srtt 100, latest 0); floor = srtt + 4 rttvar = 300 ms
        assertEquals(100 * MS, r.lossReferenceNanos());
        assertEquals(300 * MS, r.lossFloorNanos());
    }

    @Test
    void handComputedSequenceOfSamples() {
        RttEstimator r = new RttEstimator(100 * MS);
        // 1) r = 80, ack delay 10: min becomes 80, and 80 - 10 = 70 is below it, so r' = 80.
        //    First sample: srtt = 80, rttvar = 40.
        r.update(80 * MS, 10 * MS);
        assertTrue(r.hasSample());
        assertEquals(80 * MS, r.smoothedNanos());
        assertEquals(40 * MS, r.varianceNanos());
        assertEquals(80 * MS, r.minNanos());
        // 2) r = 120, ack delay 30: 90 >= min 80, so r' = 90.
        //    rttvar = 3/4 * 40 + 1/4 * |80 - 90| = 32.5; srtt = 7/8 * 80 + 1/8 * 90 = 81.25
        r.update(120 * MS, 30 * MS);
        assertEquals(32_500_000, r.varianceNanos());
        assertEquals(81_250_000, r.smoothedNanos());
        assertEquals(120 * MS, r.latestNanos());
        // 3) r = 100, ack delay 30: 70 < min 80, so r' = 100 (the delay is not subtracted).
        //    rttvar = 3/4 * 32.5 + 1/4 * |81.25 - 100| = 29.0625; srtt = 7/8 * 81.25 + 1/8 * 100 = 83.59375
        r.update(100 * MS, 30 * MS);
        assertEquals(29_062_500, r.varianceNanos());
        assertEquals(83_593_750, r.smoothedNanos());
        assertEquals(80 * MS, r.minNanos());
        // PTO = 83.59375 + 4 * 29.0625 + 5 = 204.84375 ms
        assertEquals(204_843_750, r.probeTimeoutNanos(MAX_ACK_DELAY));
        // loss reference = max(srtt 83.59375, latest 100) = 100 ms; floor = 83.59375 + 4 * 29.0625 = 199.84375 ms
        assertEquals(100 * MS, r.lossReferenceNanos());
        assertEquals(199_843_750, r.lossFloorNanos());
        // 4) r = 60: a new minimum. ack delay 0: r' = 60.
        //    rttvar = 3/4 * 29.0625 + 1/4 * |83.59375 - 60| = 27.6953125; srtt = 7/8 * 83.59375 + 7.5 = 80.6445...
        r.update(60 * MS, 0);
        assertEquals(60 * MS, r.minNanos());
        assertEquals(27_695_312, r.varianceNanos(), "27.6953125 ms, truncated to whole nanoseconds");
        assertEquals(80_644_531, r.smoothedNanos(), "80.64453125 ms, truncated");
    }

    @Test
    void ackDelayLandingExactlyOnTheMinimumIsSubtracted() {
        RttEstimator r = new RttEstimator(100 * MS);
        r.update(50 * MS, 0);
        // r = 70, delay 20: 70 - 20 = 50 = min, not below it: r' = 50, no error at all.
        r.update(70 * MS, 20 * MS);
        assertEquals(50 * MS, r.smoothedNanos());
        assertEquals(18_750_000, r.varianceNanos(), "3/4 * 25 ms");
        // r = 70, delay 21: 49 < 50: r' = 70. rttvar = 3/4 * 18.75 + 1/4 * 20 = 19.0625; srtt = 50 + 20/8 = 52.5
        r.update(70 * MS, 21 * MS);
        assertEquals(52_500_000, r.smoothedNanos());
        assertEquals(19_062_500, r.varianceNanos());
    }

    @Test
    void varianceTermOfTheProbeTimeOutHasAOneMillisecondFloor() {
        RttEstimator r = new RttEstimator(100 * MS);
        // First sample 400 us: srtt 400 us, rttvar 200 us, 4 * rttvar = 800 us < 1 ms.
        r.update(400_000, 0);
        assertEquals(400_000 + MS + MAX_ACK_DELAY, r.probeTimeoutNanos(MAX_ACK_DELAY));
        // loss floor = max(1 ms, 400 us + 4 * 200 us = 1.2 ms) = 1.2 ms
        assertEquals(1_200_000, r.lossFloorNanos());
    }

    @Test
    void nonPositiveSampleCountsAsOneNanosecond() {
        RttEstimator r = new RttEstimator(100 * MS);
        r.update(0, 0);
        assertEquals(1, r.latestNanos());
        assertEquals(1, r.minNanos());
        assertEquals(1, r.smoothedNanos());
    }
}
