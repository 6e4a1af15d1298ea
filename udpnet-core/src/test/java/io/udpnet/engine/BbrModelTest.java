package io.udpnet.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        BbrCongestionControl cc = bbr();
        BottleneckModel.Flow f = m.addFlow(cc, 0);
        m.run();
        double share = f.goodput(5 * S, 30 * S) / m.rate();
        System.out.printf("5%% random loss, 10 Mbit/s, 50 ms: goodput %.1f%% of the link (seed %x, %d lost of %d, "
                + "%d congested rounds (%d with a queue) of %d, %d queue drops)%n", 100 * share, seed, f.declaredLost,
                f.sent, cc.congestedRounds(), cc.queuedCongestedRounds(), cc.roundCount(), f.queueDrops);
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
        // Paced at the link's rate, give or take the probing gains of 1.25 and 0.75.
        double pacing = (double) cc.pacingRate() / m.rate();
        assertTrue(pacing >= 0.74 && pacing <= 1.25, "pacing at " + pacing + " of the link, seed " + seed);
    }

    @ParameterizedTest(name = "random loss {0}")
    @ValueSource(doubles = {0, 0.05})
    void twoFlowsShareABottleneck(double loss) {
        long seed = 0x5EED_0003L;
        BottleneckModel m = new BottleneckModel(10 * MBIT, RTT, BDP, loss, seed, 40 * S);
        BottleneckModel.Flow a = m.addFlow(bbr(), 0);
        BottleneckModel.Flow b = m.addFlow(bbr(), 2 * S);
        m.run();
        double shareA = a.goodput(10 * S, 40 * S) / m.rate();
        double shareB = b.goodput(10 * S, 40 * S) / m.rate();
        System.out.printf("two flows, %.0f%% random loss: %.1f%% and %.1f%% of the link (seed %x, queue drops %d "
                + "and %d)%n", 100 * loss, 100 * shareA, 100 * shareB, seed, a.queueDrops, b.queueDrops);
        assertTrue(shareA >= 0.20 && shareB >= 0.20, "shares " + shareA + ", " + shareB + ", seed " + seed);
        assertTrue(shareA + shareB >= 0.80 * (1 - loss), "link use " + (shareA + shareB) + ", seed " + seed);
    }

    @Test
    void newRenoCollapsesUnderTheSameRandomLoss() {
        // The yardstick for the first test: a loss-based controller takes every random loss for congestion.
        long seed = 0x5EED_0001L;
        BottleneckModel m = new BottleneckModel(10 * MBIT, RTT, BDP, 0.05, seed, 30 * S);
        BottleneckModel.Flow f = m.addFlow(new RenoForTest(), 0);
        m.run();
        double share = f.goodput(5 * S, 30 * S) / m.rate();
        System.out.printf("5%% random loss, NewReno: goodput %.1f%% of the link (seed %x)%n", 100 * share, seed);
        assertTrue(share < 0.25, "NewReno goodput " + share + ", seed " + seed);
    }

    @Test
    void heavyPersistentLossLowersTheInflightBound() {
        long seed = 0x5EED_0004L;
        BottleneckModel.Flow[] flows = new BottleneckModel.Flow[2];
        BbrCongestionControl[] ccs = new BbrCongestionControl[2];
        double[] shares = new double[2];
        double[] thresholds = {0.15, CongestionConfig.defaults().lossThreshold()};
        for (int i = 0; i < 2; i++) {
            BottleneckModel m = new BottleneckModel(10 * MBIT, RTT, BDP, 0.25, seed, 20 * S);
            m.statsFrom = 5 * S;
            ccs[i] = new BbrCongestionControl(CongestionConfig.builder().lossThreshold(thresholds[i]).build());
            flows[i] = m.addFlow(ccs[i], 0);
            m.run();
            shares[i] = flows[i].goodput(5 * S, 20 * S) / m.rate();
            System.out.printf("25%% random loss, loss threshold %.2f: goodput %.1f%%, %d congested rounds of %d, "
                    + "mean inflight %.2f BDP (seed %x)%n", thresholds[i], 100 * flows[i].goodput(5 * S, 20 * S)
                    / m.rate(), ccs[i].congestedRounds(), ccs[i].roundCount(), flows[i].meanInflight() / BDP, seed);
        }
        assertTrue(ccs[0].congestedRounds() > ccs[0].roundCount() / 10, "seed " + seed);
        assertTrue(flows[0].meanInflight() < 0.25 * BDP, "mean inflight " + flows[0].meanInflight() + ", seed " + seed);
        assertTrue(ccs[0].inflightBound() < BDP, "bound " + ccs[0].inflightBound() + ", seed " + seed);
        // The default threshold is above the loss rate: the loss is taken for random, the delivery-rate samples are
        // scaled back up by it, and the flow keeps most of what the loss leaves (75%). Rounds that show a queue (the
        // bandwidth probes) still count their loss as congestion, so some rounds are judged congested.
        assertTrue(ccs[1].congestedRounds() < ccs[0].congestedRounds() / 2, "seed " + seed);
        assertTrue(shares[1] > 0.6, "goodput " + shares[1] + ", seed " + seed);
        assertTrue(flows[1].meanInflight() > 2 * flows[0].meanInflight(), "seed " + seed);
    }

    @Test
    void leavesRoomForALossBasedFlow() {
        // A shared bottleneck with a shallow buffer, where a loss-blind sender would starve NewReno: the queue
        // overflowing shows as loss in rounds that never see the minimum RTT, and BBR yields.
        long seed = 0x5EED_0005L;
        BottleneckModel m = new BottleneckModel(10 * MBIT, RTT, BDP / 2, 0, seed, 40 * S);
        BottleneckModel.Flow reno = m.addFlow(new RenoForTest(), 0);
        BbrCongestionControl cc = bbr();
        BottleneckModel.Flow b = m.addFlow(cc, 2 * S);
        m.run();
        double shareReno = reno.goodput(10 * S, 40 * S) / m.rate();
        double shareBbr = b.goodput(10 * S, 40 * S) / m.rate();
        System.out.printf("NewReno and BBR sharing: %.1f%% and %.1f%% of the link, %d rounds congested by the queue "
                + "signal (seed %x)%n", 100 * shareReno, 100 * shareBbr, cc.queuedCongestedRounds(), seed);
        assertTrue(cc.queuedCongestedRounds() > 0, "seed " + seed);
        assertTrue(shareReno >= 0.20 && shareBbr >= 0.20, "shares " + shareReno + ", " + shareBbr + ", seed " + seed);
    }

    @Test
    void ceilingCapsTheRate() {
        long seed = 0x5EED_0006L;
        long ceiling = 2 * MBIT / 8;
        BottleneckModel m = new BottleneckModel(10 * MBIT, RTT, BDP, 0, seed, 15 * S);
        BbrCongestionControl cc = new BbrCongestionControl(CongestionConfig.builder().maxPacingRate(ceiling).build());
        BottleneckModel.Flow f = m.addFlow(cc, 0);
        m.run();
        double rate = f.goodput(2 * S, 15 * S);
        System.out.printf("ceiling 2 Mbit/s: goodput %.2f Mbit/s (seed %x)%n", rate * 8 / 1e6, seed);
        assertTrue(f.maxPacingRateSeen() <= ceiling, "pacing rate " + f.maxPacingRateSeen());
        assertTrue(rate <= ceiling * 1.01 && rate >= ceiling * 0.85, "goodput " + rate + ", seed " + seed);
        assertEquals(0, f.queueDrops, "seed " + seed);
        // Paced well below the link rate, datagrams meet no queue beyond the burst allowance and one datagram.
        assertTrue(m.maxBacklog() <= CongestionConfig.defaults().pacingBurstBytes() + 2 * BottleneckModel.DATAGRAM,
                "bottleneck queue reached " + m.maxBacklog() + " bytes, seed " + seed);
    }

    @Test
    void floorHoldsUnderHeavyLoss() {
        long seed = 0x5EED_0004L;
        long floor = 4 * MBIT / 8;
        BottleneckModel m = new BottleneckModel(10 * MBIT, RTT, BDP, 0.25, seed, 20 * S);
        BbrCongestionControl cc = new BbrCongestionControl(CongestionConfig.builder().minPacingRate(floor).build());
        BottleneckModel.Flow f = m.addFlow(cc, 0);
        m.run();
        double rate = f.goodput(5 * S, 20 * S);
        System.out.printf("floor 4 Mbit/s under 25%% loss: goodput %.2f Mbit/s (seed %x)%n", rate * 8 / 1e6, seed);
        assertTrue(f.minPacingRateSeen() >= floor, "pacing rate " + f.minPacingRateSeen());
        // At least the floor is sent; a quarter of it is lost.
        assertTrue(rate >= 0.7 * floor, "goodput " + rate + " below the floor's, seed " + seed);
    }

    @Test
    void appLimitedStretchDoesNotLowerTheBandwidthEstimate() {
        // Full speed, then a real-time application offering 1 Mbit/s for 5 s, then full speed again: samples from
        // the quiet stretch are marked app-limited, so the estimate holds and the flow is back at speed at once.
        long seed = 0x5EED_0007L;
        BottleneckModel m = new BottleneckModel(10 * MBIT, RTT, BDP, 0, seed, 12 * S);
        BbrCongestionControl cc = bbr();
        BottleneckModel.Flow f = m.addFlow(cc, 0);
        f.appRate(3 * S, MBIT / 8);
        f.appRate(8 * S, 0);
        m.run();
        double quiet = f.goodput(4 * S, 8 * S) / m.rate();
        double resumed = f.goodput(8 * S + 100 * MS, 8 * S + 600 * MS) / m.rate();
        System.out.printf("app-limited at 1 Mbit/s, then unlimited: %.1f%% of the link while quiet, %.1f%% in the "
                + "half second from 100 ms after (seed %x, %d app-limited signals)%n", 100 * quiet, 100 * resumed, seed,
                f.appLimitedCalls);
        assertTrue(f.appLimitedCalls > 0);
        assertEquals(0.1, quiet, 0.01, "seed " + seed);
        assertTrue(resumed >= 0.85, "goodput " + resumed + " after the quiet stretch, seed " + seed);
    }

    @ParameterizedTest(name = "random loss {0}")
    @ValueSource(doubles = {0, 0.05})
    void acksForEverySecondDatagramAsTheEngineSendsThem(double loss) {
        // The engine's default: an ack every second datagram, a lone one after at most 5 ms.
        long seed = 0x5EED_0008L;
        BottleneckModel m = new BottleneckModel(10 * MBIT, RTT, BDP, loss, seed, 30 * S);
        m.ackEverySecond(5 * MS);
        m.statsFrom = 5 * S;
        BbrCongestionControl cc = bbr();
        BottleneckModel.Flow f = m.addFlow(cc, 0);
        m.run();
        double share = f.goodput(5 * S, 30 * S) / m.rate();
        long lateDrops = m.queueDropsBetween(5 * S, 30 * S);
        System.out.printf("acks every second datagram, %.0f%% random loss: goodput %.1f%%, mean inflight %.2f BDP, "
                + "%d queue drops after startup, estimate %.2f Mbit/s (seed %x)%n", 100 * loss, 100 * share,
                f.meanInflight() / BDP, lateDrops, cc.bandwidth() * 8 / 1e6, seed);
        assertTrue(share >= 0.85 * (1 - loss), "goodput " + share + ", seed " + seed);
        assertEquals(0, lateDrops, "seed " + seed);
    }
}
