package io.udpnet.sim;

import io.udpnet.impair.LinkStats;
import io.udpnet.impair.LinkConfig;
import static io.udpnet.sim.TestNodes.A;
import static io.udpnet.sim.TestNodes.B;
import static io.udpnet.sim.TestNodes.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.sim.TestNodes.Recorder;
import io.udpnet.sim.TestNodes.Sender;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Whatever the configuration, every datagram offered is accounted for exactly once once the link is drained. */
class LinkAccountingTest {

    @Property(tries = 60)
    void everyDatagramIsDeliveredOrDroppedForOneReason(
            @ForAll long seed,
            @ForAll @DoubleRange(min = 0, max = 1) double loss,
            @ForAll @DoubleRange(min = 0, max = 1) double duplication,
            @ForAll @DoubleRange(min = 0, max = 1) double reorder,
            @ForAll @IntRange(min = 0, max = 50) int latencyMs,
            @ForAll @IntRange(min = 0, max = 50) int jitterMs,
            @ForAll @IntRange(min = 0, max = 50) int bandwidth100kbps,
            @ForAll @IntRange(min = 1, max = 20_000) int queueCapacity,
            @ForAll @IntRange(min = 0, max = 1500) int maxSize,
            @ForAll @IntRange(min = 4, max = 1400) int datagramSize) {
        // 0 or at least 100 kbit/s, so that a full queue drains well within the run.
        long bandwidth = bandwidth100kbps * 100_000L;
        LinkConfig config = LinkConfig.builder().loss(loss).duplication(duplication).reorder(reorder)
                .latency(Duration.ofMillis(latencyMs)).jitter(Duration.ofMillis(jitterMs))
                .bandwidth(bandwidth).queueCapacity(queueCapacity).maxDatagramSize(maxSize).build();
        Simulation sim = new Simulation(seed);
        Recorder recorder = new Recorder();
        sim.addNode(A, Sender.paced(B, 200, datagramSize, MS));
        sim.addNode(B, recorder);
        sim.link(A, B, config);
        // Sending ends at 199 ms; the slowest delivery leaves the queue within about two seconds.
        sim.runFor(10_000 * MS);

        LinkStats s = sim.linkStats(A, B);
        String context = config + " size " + datagramSize + " seed " + seed + ": " + s;
        assertEquals(0, sim.pendingEvents(), context);
        assertEquals(200, s.offeredDatagrams(), context);
        assertEquals(recorder.received.size(), s.deliveredDatagrams(), context);
        assertEquals(s.offeredDatagrams() + s.duplicated(),
                s.deliveredDatagrams() + s.lost() + s.queueDropped() + s.oversizeDropped(), context);
        assertTrue(s.reordered() <= s.deliveredDatagrams(), context);
        assertEquals((long) datagramSize * s.deliveredDatagrams(), s.deliveredBytes(), context);
    }
}
