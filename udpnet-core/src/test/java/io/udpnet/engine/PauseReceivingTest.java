package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.sim.ConnectionNode;
import io.udpnet.impair.LinkConfig;
import io.udpnet.sim.ServerEndpointNode;
import io.udpnet.sim.Simulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Connection#pauseReceiving}: a receiver that takes no messages for many idle time-outs keeps its connection,
 * loses nothing, and gets the messages soon after it resumes. In the simulator, with loss.
 */
class PauseReceivingTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 7000);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.2", 7001);
    private static final long IDLE = Duration.ofSeconds(2).toNanos();
    private static final int MESSAGES = 100;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void aPausedReceiverKeepsItsConnectionAndLosesNothing(long seed) {
        ConnectionConfig config = ConnectionConfig.builder().idleTimeout(Duration.ofNanos(IDLE))
                .keepAlive(Duration.ofMillis(500)).build();
        Simulation sim = new Simulation(seed);
        List<Recorder> serverSide = new ArrayList<>();
        ServerEndpoint server = new ServerEndpoint(config, ServerEndpointConfig.defaults(), (from, payload) -> {
            Recorder r = new Recorder(sim::nowNanos);
            serverSide.add(r);
            return Admission.accept(r);
        }, new SplittableRandom(seed));
        sim.addNode(SERVER, new ServerEndpointNode(server));
        Recorder client = new Recorder(sim::nowNanos);
        Connection c = Connection.connect(config, ByteBuffer.allocate(0), client, new SplittableRandom(~seed), 0);
        sim.addNode(CLIENT, new ConnectionNode(c, SERVER));
        sim.linkBoth(SERVER, CLIENT, LinkConfig.builder().loss(0.05).latency(Duration.ofMillis(10)).build());
        assertTrue(sim.runUntil(() -> !serverSide.isEmpty() && serverSide.get(0).connected != null,
                Duration.ofSeconds(5).toNanos()), "seed " + seed);
        Recorder peer = serverSide.get(0);
        peer.connected.pauseReceiving(true);

        for (int i = 0; i < MESSAGES; i++) {
            assertTrue(c.send(0, ByteBuffer.wrap(("m" + i).getBytes(StandardCharsets.UTF_8))));
        }
        sim.schedule(sim.nowNanos(), () -> { });
        long sentBefore = c.stats().datagramsSent();
        sim.runFor(5 * IDLE);
        // The peer says BUSY: the sender backs its probes off instead of retrying at the pace of the round trip.
        long sentDuring = c.stats().datagramsSent() - sentBefore;
        assertTrue(sentDuring < 5 * IDLE / Duration.ofMillis(50).toNanos(), "seed " + seed + ": " + sentDuring
                + " datagrams sent during the pause");
        assertTrue(c.stats().refusedByPeer() > 0, "seed " + seed);
        assertEquals(List.of(), peer.messages, "seed " + seed + ": nothing is delivered while paused");
        assertNull(peer.disconnected, "seed " + seed);
        assertNull(client.disconnected, "seed " + seed);
        assertTrue(peer.connected.stats().refusedDatagrams() > 0, "seed " + seed);

        long resumed = sim.nowNanos();
        peer.connected.pauseReceiving(false);
        assertTrue(sim.runUntil(() -> !peer.messages.isEmpty(), IDLE), "seed " + seed);
        long firstAfter = sim.nowNanos() - resumed;
        // The sender probes at least every quarter of the idle time-out (two probes at a time), and its congestion
        // control did not take the refusals for losses on the path, so the first probe after resuming gets through.
        assertTrue(firstAfter <= IDLE / 2 + Duration.ofMillis(100).toNanos(),
                "seed " + seed + ": first message " + firstAfter / 1_000_000 + " ms after resuming");
        assertTrue(sim.runUntil(() -> peer.messages.size() == MESSAGES, 5 * IDLE), "seed " + seed);
        for (int i = 0; i < MESSAGES; i++) {
            assertEquals("0:m" + i, peer.messages.get(i), "seed " + seed);
        }
        assertEquals(Connection.State.CONNECTED, c.state());
    }
}
