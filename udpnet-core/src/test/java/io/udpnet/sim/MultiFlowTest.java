package io.udpnet.sim;

import io.udpnet.impair.LinkConfig;
import io.udpnet.ConnectionConfig;
import io.udpnet.engine.CongestionConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flows sharing a 10 Mbit/s bottleneck with a queue of one bandwidth-delay product (62,500 bytes), 50 ms RTT,
 * the second flow 2 s after the first and so on, measured from 10 s to 30 s ({@link MultiFlowScenario}).
 */
class MultiFlowTest {
    private static final long LINK_BITS = 10_000_000;
    private static final int BDP_BYTES = 62_500;

    private static MultiFlowReport run(int flows, double loss, CongestionConfig.Algorithm algorithm, long seed) {
        MultiFlowReport r = MultiFlowScenario.builder().flows(flows).stagger(Duration.ofSeconds(2))
                .bottleneck(LINK_BITS, BDP_BYTES)
                .path(LinkConfig.builder().latency(Duration.ofMillis(25)).loss(loss).build())
                .connection(ConnectionConfig.builder().connectTimeout(Duration.ofMinutes(1))
                        .idleTimeout(Duration.ofMinutes(1))
                        .congestion(CongestionConfig.builder().algorithm(algorithm).build()).build())
                .duration(Duration.ofSeconds(30)).warmup(Duration.ofSeconds(10)).seed(seed).build().run();
        System.out.printf("%s, %d flows, %.0f%% random loss: goodput %.1f%% of the link, link use %.1f%%, Jain %.3f, "
                        + "queue delay p50 %.1f ms p99 %.1f ms, %d drops (seed %d)%n", algorithm, flows, loss * 100,
                r.goodputShare() * 100, r.linkUse() * 100, r.jainIndex(), r.queueDelayP50Millis(),
                r.queueDelayP99Millis(), r.queueDrops(), seed);
        return r;
    }

    @Test
    void twoAndFourBbrFlowsShareFairlyWithoutAStandingQueue() {
        for (int flows : new int[] {2, 4}) {
            MultiFlowReport r = run(flows, 0, CongestionConfig.Algorithm.BBR, 3);
            assertTrue(r.jainIndex() >= 0.95, r.toJson());
            assertTrue(r.linkUse() >= 0.90, r.toJson());
            // The queue holds 50 ms at most, so this bound alone says little; the median and the drops say that
            // the flows keep the queue short rather than full.
            assertTrue(r.queueDelayP99Millis() <= r.baseRttMillis(), r.toJson());
            assertTrue(r.queueDelayP50Millis() <= 0.5 * r.baseRttMillis(), r.toJson());
            long sent = (long) (r.linkUse() * LINK_BITS / 8 * 20 / 1030);
            assertTrue(r.queueDrops() <= sent / 200, "at most 0.5% dropped: " + r.toJson());
            for (MultiFlowReport.Flow f : r.flows()) {
                assertTrue(f.convergedAfterMillis() >= 0 && f.convergedAfterMillis() <= 3000,
                        "each flow gets its share within 3 s of its start: " + r.toJson());
            }
        }
    }

    @Test
    void twoBbrFlowsShareABottleneckWithRandomLoss() {
        MultiFlowReport r = run(2, 0.05, CongestionConfig.Algorithm.BBR, 3);
        assertTrue(r.goodputShare() >= 0.80, r.toJson());
        assertTrue(r.jainIndex() >= 0.90, r.toJson());
    }

    @Test
    void newRenoSharesFairlyButNotUnderRandomLoss() {
        MultiFlowReport clean = run(2, 0, CongestionConfig.Algorithm.NEW_RENO, 3);
        assertEquals("NEW_RENO", clean.congestion());
        assertTrue(clean.jainIndex() >= 0.9, clean.toJson());
        assertTrue(clean.linkUse() >= 0.9, clean.toJson());
        // Every loss halves its window: 5% random loss leaves it a small fraction of the link.
        MultiFlowReport lossy = run(2, 0.05, CongestionConfig.Algorithm.NEW_RENO, 3);
        assertTrue(lossy.goodputShare() < 0.3, lossy.toJson());
    }

    @Test
    void sameSeedSameReport() {
        MultiFlowScenario s = MultiFlowScenario.builder().flows(2).stagger(Duration.ofMillis(500))
                .path(LinkConfig.builder().latency(Duration.ofMillis(10)).loss(0.02).build())
                .duration(Duration.ofSeconds(3)).warmup(Duration.ofSeconds(1)).seed(9).build();
        assertEquals(s.run().toJson(), s.run().toJson());
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> MultiFlowScenario.builder().flows(0));
        assertThrows(IllegalArgumentException.class, () -> MultiFlowScenario.builder().warmup(Duration.ofMillis(150)));
        assertThrows(IllegalArgumentException.class, () -> MultiFlowScenario.builder()
                .duration(Duration.ofSeconds(5)).warmup(Duration.ofSeconds(5)).build());
        assertThrows(IllegalArgumentException.class, () -> MultiFlowScenario.builder().bottleneck(0, 1000));
    }

    @Test
    void bottleneckQueuesDropsAndMeasuresTheWait() {
        Simulation sim = new Simulation(1);
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 1);
        InetSocketAddress b = new InetSocketAddress("127.0.0.1", 2);
        InetSocketAddress c = new InetSocketAddress("127.0.0.1", 3);
        long[] arrivals = new long[8];
        int[] count = new int[1];
        sim.addNode(c, new Sender(null, 0) {
            @Override
            public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
                arrivals[count[0]++] = nowNanos;
            }
        });
        sim.addNode(a, new Sender(c, 2));
        sim.addNode(b, new Sender(c, 2));
        // 8 Mbit/s: 1000 bytes take 1 ms; the queue holds 3 of them.
        Bottleneck bottleneck = sim.addBottleneck(8_000_000, 3000);
        sim.routeThrough(a, c, bottleneck);
        sim.routeThrough(b, c, bottleneck);
        sim.link(a, c, LinkConfig.builder().latency(Duration.ofMillis(10)).build());
        sim.link(b, c, LinkConfig.builder().latency(Duration.ofMillis(20)).build());
        sim.schedule(0, () -> { });   // polls every node: a sends two datagrams, then b two
        sim.runFor(Duration.ofMillis(100).toNanos());
        assertEquals(3, count[0]);
        assertEquals(1, bottleneck.drops());
        assertEquals(3, bottleneck.transmittedDatagrams());
        // Each leaves the queue 1 ms after the one before, then takes its own route's latency; b's second
        // datagram found the queue full.
        assertEquals(11_000_000, arrivals[0]);
        assertEquals(12_000_000, arrivals[1]);
        assertEquals(23_000_000, arrivals[2]);
        assertEquals(2_000_000, bottleneck.queueDelayPercentile(1), 2_000_000 / 25);
        assertEquals(1_000_000, bottleneck.queueDelayPercentile(0.5), 1_000_000 / 25);
        assertEquals(0, bottleneck.queueDelayPercentile(0));
    }

    /** Sends {@code count} datagrams of 1000 bytes to {@code to} when first polled. */
    private static class Sender implements SimNode {
        private final InetSocketAddress to;
        private int count;

        Sender(InetSocketAddress to, int count) {
            this.to = to;
            this.count = count;
        }

        @Override
        public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
        }

        @Override
        public void poll(long nowNanos, DatagramOutbox outbox) {
            for (; count > 0; count--) {
                outbox.send(to, ByteBuffer.allocate(1000));
            }
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }
    }
}
