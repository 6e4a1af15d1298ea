package io.udpnet.sim;

import io.udpnet.impair.LinkStats;
import io.udpnet.impair.LinkConfig;
import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.engine.Admission;
import io.udpnet.engine.Connection;
import io.udpnet.engine.ServerEndpoint;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Path MTU discovery through the whole stack, over links that silently drop datagrams above a size. */
class PathMtuSimulationTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 42001);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.2", 42002);
    private int messages = 4000;
    private int[] sizes = {300, 40, 2500, 90};

    private Simulation sim;
    private DeliveryLedger ledger;
    private ConnectionNode client;
    private int next;

    private void start(long seed, ConnectionConfig config, LinkConfig link) {
        sim = new Simulation(seed);
        ledger = new DeliveryLedger(sizes);
        ServerEndpoint server = new ServerEndpoint(config, ServerEndpointConfig.defaults(),
                (from, payload) -> Admission.accept(ledger::onMessage), new SplittableRandom(seed));
        ByteBuffer message = ByteBuffer.allocate(4096);
        client = new ConnectionNode(Connection.connect(config, ByteBuffer.allocate(0), (c, b, o, l) -> { },
                new SplittableRandom(~seed), 0), SERVER) {
            @Override
            protected void beforeTransmit(long now) {
                while (next < messages && connection().state() != Connection.State.CLOSED) {
                    MessagePattern.fill(message, next, sizes[next % sizes.length]);
                    if (!connection().send(0, message)) {
                        return;
                    }
                    next++;
                }
            }
        };
        sim.addNode(CLIENT, client);
        sim.addNode(SERVER, new ServerEndpointNode(server));
        sim.linkBoth(CLIENT, SERVER, link);
        sim.schedule(0, () -> { });
    }

    private static ConnectionConfig config(boolean discovery) {
        return ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED).maxDatagramSize(1472)
                .pathMtuDiscovery(discovery).build();
    }

    private void assertAllDelivered(String context) {
        assertTrue(sim.runUntil(() -> ledger.delivered() == messages, Duration.ofMinutes(3).toNanos()),
                context + ": delivered " + ledger.delivered() + "; " + client.connection().stats());
        assertEquals(0, ledger.duplicates() + ledger.corrupted() + ledger.outOfOrder(), context);
    }

    @Test
    void findsTheLargestSizeTheLinkCarries() {
        start(31, config(true), LinkConfig.builder().latency(Duration.ofMillis(10)).loss(0.02)
                .maxDatagramSize(1400).build());
        assertAllDelivered("seed 31");
        sim.runFor(Duration.ofSeconds(5).toNanos());   // the search takes a few round trips per probe size
        int size = client.connection().datagramSize();
        assertTrue(size > 1400 - 16 && size <= 1400, "discovered " + size + " on a 1400-byte path");
    }

    @Test
    void fallsBackWhenTheLinkStopsCarryingLargeDatagramsAndLosesNothing() {
        // Small messages, so that datagrams fill whatever size is allowed; about 6 MB at 50 Mbit/s, so that the route
        // changes in the middle of the transfer.
        messages = 40_000;
        sizes = new int[]{150, 40};
        start(32, config(true), LinkConfig.builder().latency(Duration.ofMillis(10)).bandwidth(50_000_000)
                .queueCapacity(256 * 1024).build());
        sim.runUntil(() -> client.connection().datagramSize() > 1450, Duration.ofSeconds(10).toNanos());
        assertTrue(client.connection().datagramSize() > 1450, "first finds the full size: "
                + client.connection().datagramSize());
        // The route changes: datagrams over 1300 bytes now vanish without a trace.
        assertTrue(ledger.delivered() < messages / 2, "still transferring: " + ledger.delivered());
        LinkConfig narrow = LinkConfig.builder().latency(Duration.ofMillis(10)).bandwidth(50_000_000)
                .queueCapacity(256 * 1024).maxDatagramSize(1300).build();
        sim.linkBoth(CLIENT, SERVER, narrow);
        sim.runFor(Duration.ofSeconds(1).toNanos());
        assertTrue(sim.linkStats(CLIENT, SERVER).oversizeDropped() > 0, "large datagrams did vanish");
        assertEquals(1, client.connection().stats().pathMtuBlackHoles(), "one black hole counted");
        assertEquals(1200, client.connection().datagramSize(), "black hole detected: back to the base size; "
                + client.connection().stats() + " " + sim.linkStats(CLIENT, SERVER));
        assertAllDelivered("seed 32");
        // A minute later it searches again and settles below the new limit.
        sim.runFor(Duration.ofSeconds(70).toNanos());
        int size = client.connection().datagramSize();
        assertTrue(size > 1300 - 16 && size <= 1300, "re-discovered " + size + " on a 1300-byte path");
    }

    @Test
    void pinnedSizeSendsNoProbes() {
        start(33, config(false), LinkConfig.builder().latency(Duration.ofMillis(10)).build());
        assertAllDelivered("seed 33");
        assertEquals(1472, client.connection().datagramSize());
        assertEquals(0, client.connection().stats().pathMtuProbes(), "a pinned size is never probed");
        // With the size pinned, packets are cut for it: the 2500-byte messages travel in 1472-byte fragments.
        LinkStats up = sim.linkStats(CLIENT, SERVER);
        assertTrue(up.offeredBytes() / up.offeredDatagrams() > 1200, "datagrams use the pinned size: " + up);
    }
}
