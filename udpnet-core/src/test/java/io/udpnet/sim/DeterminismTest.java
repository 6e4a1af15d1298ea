package io.udpnet.sim;

import io.udpnet.impair.LinkDropReason;
import io.udpnet.impair.LinkConfig;
import static io.udpnet.sim.TestNodes.A;
import static io.udpnet.sim.TestNodes.B;
import static io.udpnet.sim.TestNodes.C;
import static io.udpnet.sim.TestNodes.D;
import static io.udpnet.sim.TestNodes.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.sim.TestNodes.Echo;
import io.udpnet.sim.TestNodes.Recorder;
import io.udpnet.sim.TestNodes.Sender;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Same seed, same trace; and the random stream of one link is independent of the others. */
class DeterminismTest {

    private static final LinkConfig MESSY = LinkConfig.builder()
            .latency(Duration.ofMillis(20)).jitter(Duration.ofMillis(8))
            .loss(0.1).duplication(0.05).reorder(0.1).corruption(0.05)
            .bandwidth(2_000_000).queueCapacity(8_000)
            .build();

    /** Records every datagram event with its time, endpoints and a hash of its content. */
    private static final class Tracer implements SimListener {
        final List<String> trace = new ArrayList<>();

        @Override
        public void sent(long now, InetSocketAddress from, InetSocketAddress to, ByteBuffer datagram) {
            trace.add(now + " sent " + from.getHostString() + ">" + to.getHostString() + " " + hash(datagram));
        }

        @Override
        public void delivered(long now, InetSocketAddress from, InetSocketAddress to, ByteBuffer datagram) {
            trace.add(now + " delivered " + from.getHostString() + ">" + to.getHostString() + " " + hash(datagram));
        }

        @Override
        public void dropped(long now, InetSocketAddress from, InetSocketAddress to, int length, LinkDropReason reason) {
            trace.add(now + " dropped " + from.getHostString() + ">" + to.getHostString() + " " + reason);
        }

        private static int hash(ByteBuffer datagram) {
            byte[] bytes = new byte[datagram.remaining()];
            datagram.get(bytes);
            return Arrays.hashCode(bytes);
        }
    }

    /** Two senders, each towards an echo node, over messy links in both directions. */
    private static List<String> trace(long seed) {
        Simulation sim = new Simulation(seed);
        Tracer tracer = new Tracer();
        sim.setListener(tracer);
        sim.addNode(A, Sender.paced(B, 300, 500, MS));
        sim.addNode(B, new Echo());
        sim.addNode(C, Sender.paced(D, 300, 700, 2 * MS));
        sim.addNode(D, new Echo());
        sim.linkBoth(A, B, MESSY);
        sim.linkBoth(C, D, MESSY);
        sim.runFor(2_000 * MS);
        return tracer.trace;
    }

    @Test
    void sameSeedGivesAnIdenticalTrace() {
        long seed = TestNodes.seed();
        List<String> first = trace(seed);
        List<String> second = trace(seed);
        assertTrue(first.size() > 1000, "trace too small to mean anything: " + first.size());
        assertTrue(first.stream().anyMatch(line -> line.contains("RANDOM_LOSS")), "seed " + seed);
        assertTrue(first.stream().anyMatch(line -> line.contains("QUEUE_OVERFLOW")), "seed " + seed);
        assertEquals(first, second, "seed " + seed);
    }

    @Test
    void differentSeedsGiveDifferentTraces() {
        long seed = TestNodes.seed();
        assertNotEquals(trace(seed), trace(seed + 1), "seeds " + seed + " and " + (seed + 1));
    }

    /** What B receives from A over a lossy, jittery link, optionally with unrelated traffic alongside. */
    private static List<String> receivedAtB(long seed, boolean otherTraffic) {
        Simulation sim = new Simulation(seed);
        Recorder recorder = new Recorder();
        if (otherTraffic) {
            // Added first, so that node order and link creation order differ too.
            sim.addNode(C, Sender.paced(D, 500, 100, MS / 3));
            sim.addNode(D, new Echo());
            sim.linkBoth(C, D, MESSY);
        }
        sim.addNode(A, Sender.paced(B, 500, 100, MS));
        sim.addNode(B, recorder);
        sim.link(A, B, MESSY);
        sim.runFor(1_000 * MS);
        return recorder.received.stream().map(TestNodes.Received::toString).toList();
    }

    @Test
    void anotherLinkDoesNotChangeThisLinksRandomStream() {
        long seed = TestNodes.seed();
        List<String> alone = receivedAtB(seed, false);
        assertTrue(alone.size() > 300, "seed " + seed);
        assertEquals(alone, receivedAtB(seed, true), "seed " + seed);
    }
}
