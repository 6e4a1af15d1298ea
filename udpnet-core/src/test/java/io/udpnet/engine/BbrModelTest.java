package io.udpnet.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The BBR controller driving senders through {@link BottleneckModel}: goodput under random loss, convergence
 * without a standing queue, sharing with another flow, backing off under heavy loss, and the rate floor and
 * ceiling. Every run is deterministic; the seed is in every assertion message.
 */
class BbrModelTest {
    private static final long MBIT = 1_000_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final long RTT = 50 * MS;
    /** One bandwidth-delay product of a 10 Mbit/s, 50 ms path. */
    private static final long BDP = 10 * MBIT / 8 * RTT / S;

    private static BbrCongestionControl bbr() {
        return new BbrCongestionControl(CongestionConfig.defaults());
    }

    @Test
    void fivePercentRandomLossKeepsGoodputHigh() {
        long seed = 0x5EED_0001L;
        BottleneckModel m = new BottleneckModel(10 * MBIT, RTT, BDP, 0.05, seed, 30 * S);
        BottleneckModel.Flow f = m.addFlow(bbr(), 0);
        m.run();
        double share = f.goodput(5 * S, 30 * S) / m.rate();
        System.out.printf("5%% random loss, 10 Mbit/s, 50 ms: goodput %.1f%% of the link (seed %x, %d lost of %d)%n",
                100 * share, seed, f.declaredLost, f.sent);
        assertTrue(share >= 0.40, "goodput " + share + " of the link under 5% random loss, seed " + seed);
    }

    @Test
    void convergesWithoutPersistentQueueOverflow() {
        long seed = 0x5EED_0002L;
        BottleneckModel m = new BottleneckModel(10 * MBIT, RTT, BDP, 0, seed, 30 * S);
        m.statsFrom = 5 * S;
        BbrCongestionControl cc = bbr();
        BottleneckModel.Flow f = m.addFlow(cc, 0);
        m.run();
        double share = f.goodput(5 * S, 30 * S) / m.rate();
        long lateDrops = m.queueDropsBetween(5 * S, 30 * S);
        double inflight = f.meanInflight() / BDP;
        System.out.printf("no loss: goodput %.1f%%, drops %d in startup and %d after, mean inflight %.2f BDP, "
                + "bandwidth estimate %.2f Mbit/s, min RTT %.1f ms%n", 100 * share,
                m.queueDropsBetween(0, 5 * S), lateDrops, inflight, cc.bandwidth() * 8 / 1e6, cc.minRtt() / 1e6);
        assertEquals(0, lateDrops, "queue drops after startup, seed " + seed);
        assertTrue(share >= 0.90, "goodput " + share + ", seed " + seed);
        assertTrue(inflight >= 0.9 && inflight <= 1.6, "mean inflight " + inflight + " BDP, seed " + seed);
        assertEquals(BbrCongestionControl.Mode.PROBE_BW, cc.mode(), "seed " + seed);
    }

    @Test
    void twoFlowsShareABottleneck() {
        long seed = 0x5EED_0003L;
        BottleneckModel m = new BottleneckModel(10 * MBIT, RTT, BDP, 0, seed, 40 * S);
        BottleneckModel.Flow a = m.addFlow(bbr(), 0);
        BottleneckModel.Flow b = m.addFlow(bbr(), 2 * S);
        m.run();
        double shareA = a.goodput(10 * S, 40 * S) / m.rate();
        double shareB = b.goodput(10 * S, 40 * S) / m.rate();
        System.out.printf("two flows: %.1f%% and %.1f%% of the link (seed %x, queue drops %d and %d)%n",
                100 * shareA, 100 * shareB, seed, a.queueDrops, b.queueDrops);
        assertTrue(shareA >= 0.20 && shareB >= 0.20, "shares " + shareA + ", " + shareB + ", seed " + seed);
        assertTrue(shareA + shareB >= 0.80, "link use " + (shareA + shareB) + ", seed " + seed);
    }
}
