package io.udpnet.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.impair.ImpairmentRelay;
import io.udpnet.impair.LinkConfig;
import io.udpnet.messaging.ConnectFailedException;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binders against real servers and clients on loopback, read through a SimpleMeterRegistry. */
@Timeout(120)
class MetricsBindersTest {
    private static final ConnectionConfig CONFIG = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED).build();

    @Test
    void messageServerMetersFollowItsConnectionsAndTraffic() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).connection(CONFIG)
                .admission((client, payload) -> payload.remaining() == 0).build());
             ImpairmentRelay relay = ImpairmentRelay.builder(server.localAddress())
                     .toClient(LinkConfig.builder().loss(0.2).build()).seed(3).open();
             MessageClient client = MessageClient.open(CONFIG)) {
            MessageServerMetrics metrics = new MessageServerMetrics(server, Tags.of("server", "test"))
                    .refreshInterval(Duration.ZERO).perConnectionMeters(1);
            metrics.bindTo(registry);
            MessageClientMetrics clientMetrics = new MessageClientMetrics(client);
            clientMetrics.bindTo(registry);

            MessageConnection direct = client.connect(server.localAddress());
            MessageConnection first = server.accept(Duration.ofSeconds(10));
            MessageConnection lossy = client.connect(relay.localAddress());
            MessageConnection second = server.accept(Duration.ofSeconds(10));
            metrics.track(first);
            metrics.track(second);
            metrics.track(second);   // once is enough
            assertThrows(ConnectFailedException.class,
                    () -> client.connect(server.localAddress(), ByteBuffer.wrap(new byte[] {1}), null));

            // The server sends 200 reliable messages to each client; a fifth of the lossy one's datagrams are lost.
            byte[] message = new byte[500];
            for (int i = 0; i < 200; i++) {
                first.send(0, message);
                second.send(0, message);
            }
            for (int i = 0; i < 200; i++) {
                assertTrue(direct.receive(Duration.ofSeconds(30)) != null);
                assertTrue(lossy.receive(Duration.ofSeconds(30)) != null);
            }
            waitFor(() -> second.statsAsync().join().retransmissions() > 0 && first.stats().smoothedRttNanos() > 0
                    && second.stats().smoothedRttNanos() > 0);

            assertEquals(2, gauge(registry, "udpnet.server.connections"));
            assertEquals(2, gauge(registry, "udpnet.client.connections"));
            assertEquals(2, counter(registry, "udpnet.server.connections.opened"));
            assertEquals(2, counter(registry, "udpnet.server.handshakes", "outcome", "accepted"));
            assertEquals(1, counter(registry, "udpnet.server.handshakes", "outcome", "rejected"));
            long datagramsOut = server.stats().sockets().datagramsOut();
            double metered = counter(registry, "udpnet.server.datagrams", "direction", "out");
            assertTrue(metered >= datagramsOut && metered <= server.stats().sockets().datagramsOut() && metered >= 2 * 200 * 500 / 1200,
                    metered + " vs " + datagramsOut);
            assertTrue(counter(registry, "udpnet.server.bytes", "direction", "out") >= 2 * 200 * 500);
            assertEquals(Set.of("inbox_full", "forward_queue", "oversize", "bad_cookie", "replayed_cookie", "rate_limited",
                            "reply_overflow", "malformed", "foreign", "unknown_token", "address_mismatch", "send_buffer",
                            "socket"),
                    registry.find("udpnet.server.drops").functionCounters().stream()
                            .map(c -> c.getId().getTag("reason")).collect(Collectors.toSet()));
            assertTrue(registry.getMeters().stream().allMatch(m -> "test".equals(m.getId().getTag("server"))
                    || m.getId().getName().startsWith("udpnet.client")));

            assertEquals(2, gauge(registry, "udpnet.connection.tracked"));
            double retransmissions = counter(registry, "udpnet.connection.retransmissions");
            assertTrue(retransmissions >= second.stats().retransmissions() && retransmissions > 0, "" + retransmissions);
            assertTrue(counter(registry, "udpnet.connection.datagrams.lost") > 0);
            double min = gauge(registry, "udpnet.connection.rtt", "statistic", "min");
            double mean = gauge(registry, "udpnet.connection.rtt", "statistic", "mean");
            double max = gauge(registry, "udpnet.connection.rtt", "statistic", "max");
            assertTrue(min > 0 && min <= mean && mean <= max && max < 10, min + " " + mean + " " + max);

            // One connection at most has meters of its own: the first tracked.
            Gauge peerRtt = registry.get("udpnet.connection.peer.rtt").gauge();
            assertEquals(1, registry.find("udpnet.connection.peer.rtt").gauges().size());
            assertEquals(ConnectionTracker.text(first.remoteAddress()), peerRtt.getId().getTag("remote"));
            assertTrue(peerRtt.value() > 0);

            direct.close("bye");
            first.closeFuture().get();
            waitFor(() -> gauge(registry, "udpnet.connection.tracked") == 1);
            assertEquals(0, registry.find("udpnet.connection.peer.rtt").gauges().size(), "a closed peer's meters go");
            assertTrue(counter(registry, "udpnet.connection.retransmissions") >= retransmissions, "a counter never falls");
            assertEquals(1, counter(registry, "udpnet.server.connections.closed"));
            assertEquals(1, gauge(registry, "udpnet.server.connections"));
        }
    }

    @Test
    void udpServerMetersCountSessionsDatagramsAndDrops() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (UdpServer server = UdpServer.open(UdpServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).maxDatagramSize(100)
                .sessionListener(s -> (session, datagram) -> { }).build());
             DatagramChannel client = DatagramChannel.open()) {
            new UdpServerMetrics(server).bindTo(registry);
            client.connect(server.localAddress());
            for (int i = 0; i < 5; i++) {
                client.write(ByteBuffer.allocate(50));
            }
            client.write(ByteBuffer.allocate(500));   // over the server's largest datagram
            waitFor(() -> counter(registry, "udpnet.raw.datagrams", "direction", "in") >= 5
                    && counter(registry, "udpnet.raw.drops", "reason", "oversize") >= 1);
            assertEquals(1, gauge(registry, "udpnet.raw.sessions"));
            assertEquals(1, counter(registry, "udpnet.raw.sessions.opened"));
            // The oversize datagram counts as read, as far as the socket read it (one byte over the limit).
            assertEquals(250 + 101, counter(registry, "udpnet.raw.bytes", "direction", "in"));
            assertEquals(1, counter(registry, "udpnet.raw.drops", "reason", "oversize"));
            assertEquals(0, counter(registry, "udpnet.raw.drops", "reason", "queue_full"));
        }
    }

    private static double gauge(SimpleMeterRegistry r, String name, String... tags) {
        return r.get(name).tags(tags).gauge().value();
    }

    private static double counter(SimpleMeterRegistry r, String name, String... tags) {
        FunctionCounter c = r.get(name).tags(tags).functionCounter();
        return c.count();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in 30 s");
            }
            Thread.sleep(20);
        }
    }
}
