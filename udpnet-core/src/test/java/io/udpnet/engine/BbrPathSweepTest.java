package io.udpnet.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One BBR flow over paths from 1 to 100 Mbit/s and 10 to 200 ms, with up to 10% random loss and a buffer of one
 * bandwidth-delay product: the goodput stays close to what the loss leaves, with no queue drops after startup
 * without random loss, nor where the buffer holds more than a few datagrams.
 */
class BbrPathSweepTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    @ParameterizedTest(name = "{0} bit/s, {1} ms, loss {2}")
    @CsvSource({
            "100000000, 20, 0", "100000000, 20, 0.05", "100000000, 20, 0.10",
            "50000000, 10, 0", "50000000, 10, 0.05", "50000000, 10, 0.10",
            "2000000, 30, 0", "2000000, 30, 0.05", "2000000, 30, 0.10",
            "1000000, 200, 0", "1000000, 200, 0.05", "1000000, 200, 0.10"})
    void goodputTracksWhatTheLossLeaves(long bitsPerSecond, long rttMillis, double loss) {
        long seed = bitsPerSecond ^ rttMillis;
        long bdp = bitsPerSecond / 8 * rttMillis / 1000;
        BottleneckModel m = new BottleneckModel(bitsPerSecond, rttMillis * MS, Math.max(bdp, 10_000), loss, seed,
                15 * S);
        m.statsFrom = 5 * S;
        BbrCongestionControl cc = new BbrCongestionControl(CongestionConfig.defaults());
        BottleneckModel.Flow f = m.addFlow(cc, 0);
        m.run();
        double share = f.goodput(5 * S, 15 * S) / m.rate();
        long drops = m.queueDropsBetween(5 * S, 15 * S);
        System.out.printf("%d bit/s, %d ms, %.0f%% loss: goodput %.1f%%, mean inflight %.2f BDP, %d queue drops "
                        + "after startup, %d congested rounds of %d (seed %x)%n", bitsPerSecond, rttMillis, 100 * loss,
                100 * share, f.meanInflight() / bdp, drops, cc.congestedRounds(), cc.roundCount(), seed);
        // A little under the loss-free share: retransmissions and the probe-RTT pauses cost a few percent.
        assertTrue(share >= 0.85 * (1 - loss) - 0.05, "goodput " + share + ", seed " + seed);
        // No queue drop without random loss, nor on the larger paths. On the 2 Mbit/s path, whose buffer holds 8
        // datagrams, a loss now and then is taken for random while it was the buffer's, and the estimate scaled up
        // by it overflows the buffer again: at most 2% of what was sent.
        long datagrams = (long) (share * m.rate() * 10 / 1200);
        long allowed = loss == 0 || bitsPerSecond > 2_000_000 ? 0 : datagrams / 50;
        assertTrue(drops <= allowed, drops + " queue drops after startup of about "
                + datagrams + " datagrams, seed " + seed);
    }
}
