package io.udpnet.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NewRenoCongestionControlTest {
    private static final int SIZE = 1200;
    private static final long MS = 1_000_000L;

    private final NewRenoCongestionControl cc = new NewRenoCongestionControl(CongestionConfig.builder()
            .algorithm(CongestionConfig.Algorithm.NEW_RENO).build());
    private final RttEstimator rtt = new RttEstimator(100 * MS);
    private int seq;

    /** Sends a window's worth at {@code now}, returns the first sequence number. */
    private int sendWindow(long now) {
        int first = seq;
        long inflight = 0;
        while (inflight + SIZE <= cc.congestionWindow()) {
            inflight += SIZE;
            cc.onSent(seq++, SIZE, inflight, now);
        }
        return first;
    }

    private void ackAll(int from, int to, long now) {
        for (int s = from; s < to; s++) {
            cc.onAcked(s, SIZE, now);
        }
        rtt.update(50 * MS, 0);
        cc.onAckProcessed(rtt, 0, now);
    }

    @Test
    void slowStartDoublesEachRoundThenOneLossHalvesOnce() {
        assertEquals(12_000, cc.congestionWindow());
        int first = sendWindow(0);
        ackAll(first, seq, 50 * MS);
        assertEquals(24_000, cc.congestionWindow());
        first = sendWindow(50 * MS);
        // Three losses of one episode: one cut.
        cc.onLost(first, SIZE, 100 * MS);
        cc.onLost(first + 1, SIZE, 100 * MS);
        cc.onLost(first + 2, SIZE, 101 * MS);
        assertEquals(12_000, cc.congestionWindow());
        // Acks of datagrams sent before the cut do not grow the window again.
        ackAll(first + 3, seq, 101 * MS);
        assertEquals(12_000, cc.congestionWindow());
        // Afterwards: one datagram more per window acknowledged.
        first = sendWindow(110 * MS);
        ackAll(first, seq, 160 * MS);
        assertEquals(12_000 + SIZE, cc.congestionWindow());
        // A loss of a datagram sent after the cut is a new episode.
        first = sendWindow(160 * MS);
        cc.onLost(first, SIZE, 200 * MS);
        assertEquals((12_000 + SIZE) / 2, cc.congestionWindow());
    }

    @Test
    void neverBelowTwoDatagrams() {
        for (int i = 0; i < 10; i++) {
            int s = sendWindow(i * 100 * MS);
            cc.onLost(s, SIZE, i * 100 * MS + 1);
        }
        assertEquals(2 * SIZE, cc.congestionWindow());
    }

    @Test
    void pacedAtTwiceTheWindowPerRttInSlowStartAndAQuarterMoreAfter() {
        int first = sendWindow(0);
        ackAll(first, seq, 50 * MS);
        assertEquals(2.0 * 24_000 / 0.05, cc.pacingRate(), 1000);
        first = sendWindow(50 * MS);
        cc.onLost(first, SIZE, 100 * MS);
        ackAll(first + 1, seq, 100 * MS);
        assertEquals(1.25 * 12_000 / 0.05, cc.pacingRate(), 1000);
        assertTrue(cc.nextSendTime(SIZE, 100 * MS) > 0, "each datagram sent pushes the next release later");
    }

    @Test
    void floorAndCeilingApply() {
        NewRenoCongestionControl capped = new NewRenoCongestionControl(CongestionConfig.builder()
                .maxPacingRate(100_000).minPacingRate(50_000).build());
        assertEquals(100_000, capped.pacingRate());
        for (int i = 0; i < 10; i++) {
            capped.onSent(i, SIZE, SIZE, i);
            capped.onLost(i, SIZE, 1000 + i);
        }
        // Halved window of 6000 bytes over a 500 ms RTT: 15 kB/s paced, below the floor.
        rtt.update(500 * MS, 0);
        capped.onAckProcessed(rtt, 0, 2000);
        assertEquals(50_000, capped.pacingRate(), "the floor holds the rate up");
        assertTrue(capped.congestionWindow() >= 2 * 50_000 * 0.5, "and the window carries it for two RTTs");
    }
}
