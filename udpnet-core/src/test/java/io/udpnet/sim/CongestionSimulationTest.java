package io.udpnet.sim;

import io.udpnet.impair.LinkConfig;
import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.engine.Admission;
import io.udpnet.engine.Connection;
import io.udpnet.engine.ServerEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Congestion control through the whole stack (handshake, data path, BBR, pacing) in the simulator. Figures are
 * printed; assertions are loose bounds, not benchmarks (docs/BENCHMARKS.md has the measured values).
 */
class CongestionSimulationTest {
    private static final long LINK_BITS = 10_000_000;

    /**
     * 10 Mbit/s, 50 ms RTT, random loss each way (data and acks), 10,000 reliable-ordered messages of 1000 bytes:
     * random loss costs about its own share of the goodput, not a collapse of the window.
     */
    @ParameterizedTest(name = "{0} random loss")
    @CsvSource({"0.05, 0.85", "0.10, 0.70", "0.20, 0.55", "0.30, 0.40"})
    void bulkTransferKeepsItsGoodputUnderRandomLoss(double loss, double required) {
        long seed = 21;
        LinkConfig link = LinkConfig.builder().bandwidth(LINK_BITS).latency(Duration.ofMillis(25)).loss(loss)
                .queueCapacity(64 * 1024).build();
        ScenarioReport r = Scenario.builder().delivery(Delivery.RELIABLE_ORDERED).messages(10_000).sizes(1000)
                .link(link).seed(seed).build().run();
        assertTrue(r.guaranteesHeld(), r.toJson());
        double seconds = (r.simulatedMillis() - r.handshakeMillis()) / 1000;
        double goodput = r.deliveredBytes() * 8 / seconds / LINK_BITS;
        System.out.printf("10 Mbit/s, 50 ms RTT, %.0f%% loss: goodput %.1f%% of the link (seed %d)%n", loss * 100,
                goodput * 100, seed);
        assertTrue(goodput >= required, "goodput " + goodput + " " + r.toJson());
    }

    @Test
    void withoutRandomLossTheWindowConvergesWithoutPersistentQueueLoss() {
        long seed = 22;
        InetSocketAddress clientAddress = new InetSocketAddress("127.0.0.1", 41001);
        InetSocketAddress serverAddress = new InetSocketAddress("127.0.0.2", 41002);
        Simulation sim = new Simulation(seed);
        ConnectionConfig config = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED).build();
        long[] delivered = new long[1];
        ServerEndpoint server = new ServerEndpoint(config, ServerEndpointConfig.defaults(),
                (from, payload) -> Admission.accept((ch, b, o, l) -> delivered[0] += l), new SplittableRandom(seed));
        ByteBuffer message = ByteBuffer.allocate(1000);
        ConnectionNode client = new ConnectionNode(Connection.connect(config, ByteBuffer.allocate(0),
                (ch, b, o, l) -> { }, new SplittableRandom(~seed), 0), serverAddress) {
            @Override
            protected void beforeTransmit(long now) {
                while (connection().state() != Connection.State.CLOSED && connection().send(0, message)) {
                    // Always more to send: the path, not the application, limits the rate.
                }
            }
        };
        sim.addNode(clientAddress, client);
        sim.addNode(serverAddress, new ServerEndpointNode(server));
        sim.linkBoth(clientAddress, serverAddress, LinkConfig.builder().bandwidth(LINK_BITS)
                .latency(Duration.ofMillis(25)).queueCapacity(64 * 1024).build());
        sim.schedule(0, () -> { });

        sim.runFor(Duration.ofSeconds(5).toNanos());   // start-up and drain are long over
        long dropsAfterStartup = sim.linkStats(clientAddress, serverAddress).queueDropped();
        long bytesBefore = delivered[0];
        sim.runFor(Duration.ofSeconds(20).toNanos());
        long steadyDrops = sim.linkStats(clientAddress, serverAddress).queueDropped() - dropsAfterStartup;
        double utilisation = (delivered[0] - bytesBefore) * 8 / 20.0 / LINK_BITS;
        Connection c = client.connection();
        System.out.printf("clean 10 Mbit/s bottleneck: %d queue drops in start-up, %d in 20 s of steady state, "
                        + "utilisation %.1f%%, cwnd %d B, in flight %d B (seed %d)%n", dropsAfterStartup, steadyDrops,
                utilisation * 100, c.congestionWindow(), c.bytesInFlight(), seed);
        assertEquals(Connection.State.CONNECTED, c.state());
        var stats = c.stats();
        assertTrue(stats.minRttNanos() >= Duration.ofMillis(50).toNanos(), "min RTT at least the propagation delay");
        assertTrue(stats.smoothedRttNanos() >= stats.minRttNanos());
        assertEquals(c.congestionWindow(), stats.congestionWindow());
        assertTrue(stats.lossRate() < 0.01, "a clean bottleneck loses almost nothing: " + stats.lossRate());
        assertTrue(stats.pacingRate() > 0.8 * LINK_BITS / 8, "paced near the link rate: " + stats.pacingRate());
        // BBR probes for bandwidth every few round trips, which may cost the odd datagram; persistent loss would
        // be hundreds. The link must also stay busy.
        assertTrue(steadyDrops <= 20, "steady-state queue drops: " + steadyDrops);
        assertTrue(utilisation > 0.85, "utilisation " + utilisation);
        assertTrue(c.bytesInFlight() < 64 * 1024 + 2 * 62_500, "in flight stays near BDP + queue: " + c.bytesInFlight());
    }
}
