package io.udpnet.jfr;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.impair.ImpairmentRelay;
import io.udpnet.impair.LinkConfig;
import io.udpnet.messaging.ConnectFailedException;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** udpnet's JFR events, recorded from real connections on loopback. */
@Timeout(120)
class UdpnetEventsTest {
    private static final String[] NAMES = {"io.udpnet.ConnectionOpened", "io.udpnet.ConnectionClosed",
            "io.udpnet.HandshakeRefused", "io.udpnet.DatagramsLost", "io.udpnet.PathMtuChanged",
            "io.udpnet.KernelDrops"};

    private final List<RecordedEvent> events = new CopyOnWriteArrayList<>();

    private RecordingStream record() {
        RecordingStream rs = new RecordingStream();
        for (String n : NAMES) {
            rs.enable(n);
        }
        rs.onEvent(events::add);
        rs.startAsync();
        return rs;
    }

    @Test
    void openedClosedAndRefusedCarryTheirFields() throws Exception {
        ConnectionConfig config = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED).build();
        try (RecordingStream rs = record();
             MessageServer server = MessageServer.open(MessageServerConfig.builder()
                     .bindAddress(new InetSocketAddress("127.0.0.1", 0)).connection(config)
                     .admission((client, payload) -> payload.remaining() == 0).build());
             MessageClient client = MessageClient.open(config)) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection accepted = server.accept(Duration.ofSeconds(10));
            String clientAddress = text(accepted.remoteAddress());
            c.send(0, "x".getBytes(StandardCharsets.UTF_8));
            accepted.receive(Duration.ofSeconds(10));
            c.close("finished");
            c.closeFuture().get();
            accepted.closeFuture().get();

            ConnectFailedException refused = assertThrows(ConnectFailedException.class, () -> client.connect(
                    server.localAddress(), ByteBuffer.wrap(new byte[] {1}), null));

            RecordedEvent serverOpened = await("io.udpnet.ConnectionOpened", e -> e.getString("side").equals("server"));
            assertEquals(clientAddress, serverOpened.getString("remoteAddress"));
            RecordedEvent clientOpened = await("io.udpnet.ConnectionOpened", e -> e.getString("side").equals("client"));
            assertEquals(text(server.localAddress()), clientOpened.getString("remoteAddress"));

            RecordedEvent serverClosed = await("io.udpnet.ConnectionClosed", e -> e.getString("side").equals("server"));
            assertEquals(clientAddress, serverClosed.getString("remoteAddress"));
            assertEquals("APPLICATION", serverClosed.getString("code"));
            assertEquals("finished", serverClosed.getString("reason"));
            assertTrue(serverClosed.getBoolean("byPeer"));
            RecordedEvent clientClosed = await("io.udpnet.ConnectionClosed",
                    e -> e.getString("side").equals("client") && e.getString("code").equals("APPLICATION"));
            assertFalse(clientClosed.getBoolean("byPeer"));

            RecordedEvent refusal = await("io.udpnet.HandshakeRefused", e -> true);
            assertEquals("REJECTED", refusal.getString("code"));
            assertEquals("refused by the server", refusal.getString("reason"));
            assertTrue(refusal.getString("remoteAddress").startsWith("127.0.0.1:"), refusal.toString());
            assertTrue(refused.getMessage().contains("refused by the server"), refused.getMessage());
            // The refused client's connect failed, which its side records as the end of a connection that never came up.
            await("io.udpnet.ConnectionClosed", e -> e.getString("side").equals("client")
                    && e.getString("code").equals("REJECTED") && e.getBoolean("byPeer"));
        }
    }

    @Test
    void lossesAreReportedPerConnectionAndAddUpToTheCount() throws Exception {
        ConnectionConfig config = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED).build();
        try (RecordingStream rs = record();
             MessageServer server = MessageServer.open(MessageServerConfig.builder()
                     .bindAddress(new InetSocketAddress("127.0.0.1", 0)).connection(config).build());
             ImpairmentRelay relay = ImpairmentRelay.builder(server.localAddress())
                     .toServer(LinkConfig.builder().loss(0.2).build()).seed(14).open();
             MessageClient client = MessageClient.open(config)) {
            MessageConnection c = client.connect(relay.localAddress());
            MessageConnection accepted = server.accept(Duration.ofSeconds(10));
            byte[] message = new byte[600];
            for (int i = 0; i < 300; i++) {
                c.send(0, message);
            }
            for (int i = 0; i < 300; i++) {
                assertTrue(accepted.receive(Duration.ofSeconds(30)) != null, "message " + i);
            }
            c.close("done");
            c.closeFuture().get();
            long lost = c.stats().datagramsLost();
            assertTrue(lost > 0, "20% loss declared nothing lost");

            // One event per I/O turn that declared losses; together exactly the connection's count.
            await("io.udpnet.ConnectionClosed", e -> e.getString("side").equals("client"));
            List<RecordedEvent> losses = new ArrayList<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            long sum;
            do {
                losses.clear();
                events.stream().filter(e -> e.getEventType().getName().equals("io.udpnet.DatagramsLost")
                        && e.getString("side").equals("client")).forEach(losses::add);
                sum = losses.stream().mapToLong(e -> e.getLong("datagrams")).sum();
            } while (sum < lost && System.nanoTime() < deadline && sleep());
            assertEquals(lost, sum, losses.toString());
            assertEquals(lost, losses.stream().mapToLong(e -> e.getLong("total")).max().orElse(0));
            assertTrue(losses.size() <= lost, "more events than datagrams lost");
            assertEquals(text(relay.localAddress()), losses.getFirst().getString("remoteAddress"));
        }
    }

    @Test
    void pathMtuDiscoveryReportsTheLargerSize() throws Exception {
        ConnectionConfig config = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED)
                .maxDatagramSize(1472).pathMtuDiscovery(true).build();
        try (RecordingStream rs = record();
             MessageServer server = MessageServer.open(MessageServerConfig.builder()
                     .bindAddress(new InetSocketAddress("127.0.0.1", 0)).connection(config).build());
             MessageClient client = MessageClient.open(config)) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection accepted = server.accept(Duration.ofSeconds(10));
            RecordedEvent change = null;
            for (int round = 0; round < 300 && change == null; round++) {
                c.send(0, new byte[3000]);
                accepted.receive(Duration.ofSeconds(10));
                change = find("io.udpnet.PathMtuChanged", e -> e.getString("side").equals("client"));
                Thread.sleep(20);
            }
            change = change != null ? change : await("io.udpnet.PathMtuChanged", e -> e.getString("side").equals("client"));
            assertEquals(1200, change.getInt("previous"));
            assertTrue(change.getInt("current") > 1200 && change.getInt("current") <= 1472, change.toString());
            assertEquals(text(server.localAddress()), change.getString("remoteAddress"));
        }
    }

    @Test
    void nothingIsRecordedWithoutARecording() throws Exception {
        // The probes answer false outside a recording, so the calls return at once (and allocate nothing).
        assertFalse(UdpnetEvents.watchingPaths());
        assertFalse(UdpnetEvents.watchingKernelDrops());
        UdpnetEvents.connectionOpened(new InetSocketAddress("127.0.0.1", 1), true);
        assertTrue(events.isEmpty());
    }

    private RecordedEvent find(String name, Predicate<RecordedEvent> match) {
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals(name) && match.test(e)) {
                return e;
            }
        }
        return null;
    }

    /** The first recorded event of that name that matches; JFR streams events about once a second. */
    private RecordedEvent await(String name, Predicate<RecordedEvent> match) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < end) {
            RecordedEvent e = find(name, match);
            if (e != null) {
                return e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + name + " event in 30 s; recorded: " + events);
    }

    private static boolean sleep() {
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static String text(InetSocketAddress a) {
        return UdpnetEvents.text(a);
    }

}
