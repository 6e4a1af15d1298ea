package io.udpnet.sim;

import io.udpnet.impair.LinkStats;
import io.udpnet.impair.LinkConfig;
import static io.udpnet.sim.TestNodes.A;
import static io.udpnet.sim.TestNodes.B;
import static io.udpnet.sim.TestNodes.MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.sim.TestNodes.Received;
import io.udpnet.sim.TestNodes.Recorder;
import io.udpnet.sim.TestNodes.Sender;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each {@link LinkConfig} impairment does to real traffic. */
class LinkBehaviourTest {

    /** A finished one-way run: the sender, what arrived and the link's counters. */
    private record Run(long seed, Sender sender, List<Received> received, LinkStats stats) {
    }

    private static Run run(long seed, LinkConfig config, Sender sender, long durationNanos) {
        Simulation sim = new Simulation(seed);
        Recorder recorder = new Recorder();
        sim.addNode(A, sender);
        sim.addNode(B, recorder);
        sim.link(A, B, config);
        sim.runFor(durationNanos);
        return new Run(seed, sender, recorder.received, sim.linkStats(A, B));
    }

    /** Asserts that {@code observed} successes out of {@code n} fit probability {@code p} within 5 standard deviations. */
    private static void assertBinomial(double p, long n, long observed, long seed, String what) {
        double mean = n * p;
        double bound = 5 * Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(observed - mean) <= bound,
                what + ": " + observed + " of " + n + ", expected " + mean + " +/- " + bound + " (seed " + seed + ")");
    }

    @Test
    void lossRateMatchesTheConfiguredProbability() {
        long seed = TestNodes.seed();
        for (double p : new double[] {0.01, 0.1, 0.5}) {
            Run r = run(seed, LinkConfig.builder().loss(p).build(), Sender.paced(B, 10_000, 20, MS), 20_000 * MS);
            assertBinomial(p, 10_000, r.stats().lost(), seed, "lost at p=" + p);
            assertEquals(10_000 - r.stats().lost(), r.received().size(), "seed " + seed);
            assertEquals(r.received().size(), r.stats().deliveredDatagrams(), "seed " + seed);
        }
    }

    @Test
    void lossOfOneDropsEverythingAndZeroNothing() {
        long seed = TestNodes.seed();
        assertEquals(0, run(seed, LinkConfig.builder().loss(1).build(), Sender.burst(B, 500, 10), MS)
                .received().size());
        assertEquals(500, run(seed, LinkConfig.builder().loss(0).build(), Sender.burst(B, 500, 10), MS)
                .received().size());
    }

    @Test
    void duplicationDeliversIdenticalExtraCopies() {
        long seed = TestNodes.seed();
        Run r = run(seed, LinkConfig.builder().duplication(0.2).build(), Sender.burst(B, 10_000, 32), MS);
        long dups = r.stats().duplicated();
        assertBinomial(0.2, 10_000, dups, seed, "duplicated");
        assertEquals(10_000 + dups, r.received().size(), "seed " + seed);

        Map<Integer, Integer> copies = new HashMap<>();
        for (Received received : r.received()) {
            copies.merge(received.seq(), 1, Integer::sum);
            assertArrayEquals(TestNodes.payload(received.seq(), 32), received.bytes(), "seed " + seed);
        }
        assertEquals(10_000, copies.size(), "every datagram arrives at least once (seed " + seed + ")");
        assertEquals(dups, copies.values().stream().filter(n -> n == 2).count(), "seed " + seed);
        assertTrue(copies.values().stream().allMatch(n -> n <= 2), "seed " + seed);
    }

    @Test
    void reorderedDatagramsAreOvertakenByLaterOnes() {
        long seed = TestNodes.seed();
        LinkConfig config = LinkConfig.builder().latency(Duration.ofMillis(5)).reorder(0.25)
                .reorderDelay(Duration.ofMillis(10)).build();
        Run r = run(seed, config, Sender.paced(B, 1000, 16, MS), 2_000 * MS);
        assertEquals(1000, r.received().size());

        long heldBack = 0;
        for (Received received : r.received()) {
            long delay = received.atNanos() - r.sender().sentAtNanos[received.seq()];
            assertTrue(delay == 5 * MS || delay == 15 * MS, "delay " + delay + " (seed " + seed + ")");
            if (delay == 15 * MS) {
                heldBack++;
            }
        }
        assertEquals(r.stats().reordered(), heldBack, "seed " + seed);
        assertBinomial(0.25, 1000, heldBack, seed, "reordered");

        long inversions = 0;
        for (int i = 1; i < r.received().size(); i++) {
            if (r.received().get(i).seq() < r.received().get(i - 1).seq()) {
                inversions++;
            }
        }
        assertTrue(inversions > 0, "a later datagram must overtake a held-back one (seed " + seed + ")");
    }

    @Test
    void jitterStaysWithinItsRangeAndNeverMakesDelayNegative() {
        long seed = TestNodes.seed();
        LinkConfig config = LinkConfig.builder().latency(Duration.ofMillis(10)).jitter(Duration.ofMillis(3)).build();
        Run r = run(seed, config, Sender.paced(B, 2000, 16, MS), 3_000 * MS);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Received received : r.received()) {
            long delay = received.atNanos() - r.sender().sentAtNanos[received.seq()];
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        assertTrue(min >= 7 * MS && max <= 13 * MS, "delays " + min + ".." + max + " (seed " + seed + ")");
        assertTrue(min < 8 * MS && max > 12 * MS, "jitter should spread delays: " + min + ".." + max
                + " (seed " + seed + ")");

        LinkConfig wide = LinkConfig.builder().latency(Duration.ofMillis(1)).jitter(Duration.ofMillis(5)).build();
        Run clamped = run(seed, wide, Sender.paced(B, 500, 16, MS), 1_000 * MS);
        long zeros = 0;
        for (Received received : clamped.received()) {
            long delay = received.atNanos() - clamped.sender().sentAtNanos[received.seq()];
            assertTrue(delay >= 0, "negative delay " + delay + " (seed " + seed + ")");
            zeros += delay == 0 ? 1 : 0;
        }
        // Four tenths of the jitter range lies below -latency and is clamped to exactly zero.
        assertBinomial(0.4, 500, zeros, seed, "clamped to zero");
    }

    @Test
    void bandwidthLimitPacesDeliveryAtTheConfiguredRate() {
        // 1 Mbit/s: a 1000-byte datagram takes exactly 8 ms to serialise.
        LinkConfig config = LinkConfig.builder().bandwidth(1_000_000).queueCapacity(200_000)
                .latency(Duration.ofMillis(2)).build();
        Run r = run(1, config, Sender.burst(B, 100, 1000), 2_000 * MS);
        assertEquals(100, r.received().size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i, r.received().get(i).seq());
            assertEquals((i + 1) * 8 * MS + 2 * MS, r.received().get(i).atNanos(), "datagram " + i);
        }
        assertEquals(0, r.stats().queueDropped());
    }

    @Test
    void oversubscribedBottleneckDropsAtTheQueueAndDeliversAtLineRate() {
        // 2 Mbit/s offered into 1 Mbit/s for 2 s, behind a 10-datagram queue.
        LinkConfig config = LinkConfig.builder().bandwidth(1_000_000).queueCapacity(10_000).build();
        // Run long enough after the last send (at 1996 ms) for the queue to drain.
        Run r = run(1, config, Sender.paced(B, 500, 1000, 4 * MS), 3_000 * MS);
        LinkStats s = r.stats();
        assertEquals(500, s.offeredDatagrams());
        assertTrue(s.queueDropped() > 200, "congestion loss expected: " + s);
        assertEquals(s.offeredDatagrams(), s.deliveredDatagrams() + s.queueDropped(), s.toString());
        // Line rate is 125 datagrams per second: 250 in the 2 s of sending, plus at most the queue's 10 after.
        assertTrue(s.deliveredDatagrams() >= 250 && s.deliveredDatagrams() <= 260, s.toString());
        // Once the queue has filled, deliveries are exactly one serialisation time apart.
        List<Received> got = r.received();
        for (int i = 20; i < got.size(); i++) {
            assertEquals(8 * MS, got.get(i).atNanos() - got.get(i - 1).atNanos(), "gap before delivery " + i);
        }

        // At half the line rate nothing is dropped.
        Run light = run(1, config, Sender.paced(B, 250, 1000, 16 * MS), 5_000 * MS);
        assertEquals(0, light.stats().queueDropped());
        assertEquals(250, light.received().size());
    }

    @Test
    void corruptionFlipsOneToThreeBitsOfSomeDatagrams() {
        long seed = TestNodes.seed();
        Run r = run(seed, LinkConfig.builder().corruption(0.3).build(), Sender.burst(B, 5000, 64), MS);
        assertEquals(5000, r.received().size());
        long changed = 0;
        int[] histogram = new int[4];
        for (int i = 0; i < 5000; i++) {
            // Zero latency and no reordering: the i-th arrival is the i-th datagram sent, even if its number was hit.
            byte[] original = TestNodes.payload(i, 64);
            byte[] got = r.received().get(i).bytes();
            assertEquals(64, got.length);
            int flipped = 0;
            for (int j = 0; j < 64; j++) {
                flipped += Integer.bitCount((original[j] ^ got[j]) & 0xFF);
            }
            assertTrue(flipped <= 3, "bits flipped in datagram " + i + ": " + flipped + " (seed " + seed + ")");
            histogram[flipped]++;
            changed += flipped > 0 ? 1 : 0;
        }
        assertEquals(r.stats().corrupted(), changed, "seed " + seed);
        assertBinomial(0.3, 5000, changed, seed, "corrupted");
        for (int k = 1; k <= 3; k++) {
            assertTrue(histogram[k] > 0, "flip counts " + Arrays.toString(histogram) + " (seed " + seed + ")");
        }
    }

    @Test
    void maxDatagramSizeDropsOnlyLargerDatagrams() {
        Simulation sim = new Simulation(1);
        Recorder recorder = new Recorder();
        sim.addNode(B, recorder);
        sim.addNode(A, new SimNode() {
            boolean sent;

            @Override
            public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            }

            @Override
            public void poll(long nowNanos, DatagramOutbox outbox) {
                for (int size : new int[] {1000, 1200, 1201, 1500, 0}) {
                    outbox.send(B, ByteBuffer.allocate(size));
                }
                sent = true;
            }

            @Override
            public long nextDeadline() {
                return sent ? Long.MAX_VALUE : 0;
            }
        });
        sim.link(A, B, LinkConfig.builder().maxDatagramSize(1200).build());
        sim.runFor(MS);
        assertEquals(List.of(1000, 1200, 0), recorder.received.stream().map(r -> r.bytes().length).toList());
        LinkStats s = sim.linkStats(A, B);
        assertEquals(2, s.oversizeDropped());
        assertEquals(5, s.offeredDatagrams());
        assertEquals(1000 + 1200 + 1201 + 1500, s.offeredBytes());
        assertEquals(2200, s.deliveredBytes());
        assertEquals(3, s.deliveredDatagrams());
    }
}
