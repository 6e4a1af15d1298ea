package io.udpnet.engine;

import io.udpnet.CongestionConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BBR state machine, observed after every ack while it drives a sender through {@link BottleneckModel}. */
class BbrStateTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final long MBIT = 1_000_000L;

    /** A mode change and when it happened. */
    record Change(BbrCongestionControl.Mode mode, long at, long minRtt, long window) {
    }

    /** Passes everything to a BBR controller and records each mode it enters. */
    static final class Recorder implements CongestionController {
        final BbrCongestionControl bbr = new BbrCongestionControl(CongestionConfig.defaults());
        final List<Change> changes = new ArrayList<>();
        long maxWindowInProbeRtt;
        /** Pacing rate over the bandwidth estimate at each send from idle in PROBE_BW. */
        final List<Double> restartPacing = new ArrayList<>();

        Recorder() {
            changes.add(new Change(bbr.mode(), 0, -1, bbr.congestionWindow()));
        }

        @Override
        public void onSent(int seq, int bytes, long bytesInFlight, long now) {
            bbr.onSent(seq, bytes, bytesInFlight, now);
            if (bytesInFlight == bytes && bbr.mode() == BbrCongestionControl.Mode.PROBE_BW) {
                restartPacing.add((double) bbr.pacingRate() / bbr.bandwidth());
            }
        }

        @Override
        public void onAcked(int seq, int bytes, long now) {
            bbr.onAcked(seq, bytes, now);
        }

        @Override
        public void onLost(int seq, int bytes, long now) {
            bbr.onLost(seq, bytes, now);
        }

        @Override
        public void onAckProcessed(RttEstimator rtt, long bytesInFlight, long now) {
            bbr.onAckProcessed(rtt, bytesInFlight, now);
            if (bbr.mode() != changes.get(changes.size() - 1).mode()) {
                changes.add(new Change(bbr.mode(), now, bbr.minRtt(), bbr.congestionWindow()));
            }
            if (bbr.mode() == BbrCongestionControl.Mode.PROBE_RTT) {
                maxWindowInProbeRtt = Math.max(maxWindowInProbeRtt, bbr.congestionWindow());
            }
        }

        @Override
        public void onAppLimited(long bytesInFlight, long now) {
            bbr.onAppLimited(bytesInFlight, now);
        }

        @Override
        public long congestionWindow() {
            return bbr.congestionWindow();
        }

        @Override
        public long nextSendTime(int bytes, long now) {
            return bbr.nextSendTime(bytes, now);
        }

        @Override
        public long pacingRate() {
            return bbr.pacingRate();
        }

        List<BbrCongestionControl.Mode> modes() {
            return changes.stream().map(Change::mode).toList();
        }
    }

    @Test
    void startupEndsWhenBandwidthStopsGrowingThenDrains() {
        // A deep buffer: startup can only end because the bandwidth estimate stops growing, not by loss.
        BottleneckModel m = new BottleneckModel(20 * MBIT, 40 * MS, 1 << 20, 0, 1, 3 * S);
        Recorder r = new Recorder();
        BottleneckModel.Flow f = m.addFlow(r, 0);
        m.run();
        System.out.println("deep buffer: " + r.changes);
        assertEquals(List.of(BbrCongestionControl.Mode.STARTUP, BbrCongestionControl.Mode.DRAIN,
                BbrCongestionControl.Mode.PROBE_BW), r.modes(), r.changes.toString());
        assertEquals(0, r.bbr.congestedRounds());
        assertEquals(0, f.queueDrops);
        long link = m.rate();
        assertTrue(Math.abs(r.bbr.bandwidth() - link) < link / 20, "estimate " + r.bbr.bandwidth() + " of " + link);
        // The pipe is found in about log2(BDP / initial window) + 3 rounds: 100 KB / 12 KB, so well within 15.
        long startupEnd = r.changes.get(1).at();
        assertTrue(startupEnd < 15 * 40 * MS, "startup lasted " + startupEnd / MS + " ms");
        // Drain ends once what startup queued has gone: within a few round trips.
        long drainTime = r.changes.get(2).at() - startupEnd;
        assertTrue(drainTime <= 4 * 40 * MS, "drain lasted " + drainTime / MS + " ms");
    }

    @Test
    void probeRttFollowsWhenTheMinimumRttWindowExpires() {
        // The route lengthens at 2 s: no sample matches the old minimum again, which must expire 10 s later.
        BottleneckModel m = new BottleneckModel(10 * MBIT, 40 * MS, 100_000, 0, 2, 14 * S);
        m.changeRoute(2 * S, 70 * MS);
        Recorder r = new Recorder();
        m.addFlow(r, 0);
        m.run();
        System.out.println("route change: " + r.changes);
        List<Change> probes = r.changes.stream()
                .filter(c -> c.mode() == BbrCongestionControl.Mode.PROBE_RTT).toList();
        assertEquals(1, probes.size(), r.changes.toString());
        long entered = probes.get(0).at();
        assertTrue(entered >= 12 * S && entered <= 12 * S + 200 * MS, "probe-RTT entered at " + entered / MS + " ms");
        assertTrue(r.maxWindowInProbeRtt <= BbrCongestionControl.MIN_WINDOW_SEGMENTS * BottleneckModel.DATAGRAM,
                "window " + r.maxWindowInProbeRtt + " during probe-RTT");
        Change after = r.changes.get(r.changes.indexOf(probes.get(0)) + 1);
        assertEquals(BbrCongestionControl.Mode.PROBE_BW, after.mode());
        long held = after.at() - entered;
        assertTrue(held >= BbrCongestionControl.PROBE_RTT_MILLIS * MS, "held " + held / MS + " ms");
        assertTrue(r.bbr.minRtt() >= 70 * MS, "min RTT " + r.bbr.minRtt() + " after the route change");
    }

    @Test
    void restartAfterIdlePacesAtTheEstimateAndSkipsProbeRtt() {
        // Full speed for 3 s, then one datagram every 300 ms over a longer route: every send starts from idle, and
        // the old minimum RTT expires while idle. The RTT sample taken after idle replaces it without a PROBE_RTT.
        BottleneckModel m = new BottleneckModel(10 * MBIT, 40 * MS, 100_000, 0, 3, 20 * S);
        m.changeRoute(3 * S, 70 * MS);
        Recorder r = new Recorder();
        BottleneckModel.Flow f = m.addFlow(r, 0);
        f.appRate(3 * S, 4_000);
        m.run();
        assertEquals(List.of(BbrCongestionControl.Mode.STARTUP, BbrCongestionControl.Mode.DRAIN,
                BbrCongestionControl.Mode.PROBE_BW), r.modes(), r.changes.toString());
        assertTrue(r.bbr.minRtt() >= 70 * MS, "min RTT " + r.bbr.minRtt());
        assertTrue(r.restartPacing.size() > 40, r.restartPacing.size() + " restarts");
        for (double ratio : r.restartPacing) {
            assertEquals(0.99, ratio, 0.001);
        }
    }
}
