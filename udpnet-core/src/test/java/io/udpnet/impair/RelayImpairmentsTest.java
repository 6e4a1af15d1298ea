package io.udpnet.impair;

import static io.udpnet.impair.RelayPeers.address;
import static io.udpnet.impair.RelayPeers.awaitStats;
import static io.udpnet.impair.RelayPeers.drain;
import static io.udpnet.impair.RelayPeers.receive;
import static io.udpnet.impair.RelayPeers.receiveOrFail;
import static io.udpnet.impair.RelayPeers.send;
import static io.udpnet.impair.RelayPeers.sendPaced;
import static io.udpnet.impair.RelayPeers.socket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.impair.LinkConfig;
import io.udpnet.impair.RelayPeers.Received;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each impairment of a {@link LinkConfig}, applied on real loopback sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayImpairmentsTest {

    private static ImpairmentRelay relay(DatagramChannel server, LinkConfig toServer) throws Exception {
        return ImpairmentRelay.builder(address(server)).toServer(toServer).seed(42).open();
    }

    private static byte[] numbered(int i) {
        return ByteBuffer.allocate(64).putInt(0, i).array();
    }

    @Test
    void totalLossDropsEverythingAndCountsIt() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
                ImpairmentRelay relay = relay(server, LinkConfig.builder().loss(1.0).build())) {
            sendPaced(client, relay, 50, RelayImpairmentsTest::numbered);
            RelayStats s = awaitStats(relay, st -> st.toServer().lost() == 50);
            assertEquals(0, s.toServer().relayed());
            assertNull(receive(server, RelayPeers.QUIET));
        }
    }

    @Test
    void partialLossDropsAboutThatShare() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
                ImpairmentRelay relay = relay(server, LinkConfig.builder().loss(0.3).build())) {
            try (RelayPeers.Counter arrived = new RelayPeers.Counter(server)) {
                sendPaced(client, relay, 1000, RelayImpairmentsTest::numbered);
                RelayStats s = awaitStats(relay, st -> st.toServer().lost() + st.toServer().relayed() == 1000);
                assertTrue(s.toServer().lost() > 200 && s.toServer().lost() < 400, s.toString());
                assertEquals(s.toServer().relayed(), arrived.awaitAtLeast(s.toServer().relayed()));
            }
        }
    }

    @Test
    void latencyDelaysDeliveryByAtLeastTheConfiguredTime() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
                ImpairmentRelay relay = ImpairmentRelay.builder(address(server))
                        .toServer(LinkConfig.builder().latency(Duration.ofMillis(60)).build())
                        .toClient(LinkConfig.builder().latency(Duration.ofMillis(40)).build()).open()) {
            for (int i = 0; i < 3; i++) {
                long sent = System.nanoTime();
                send(client, numbered(i), relay.localAddress());
                Received r = receiveOrFail(server);
                long oneWay = r.atNanos() - sent;
                assertTrue(oneWay >= 60_000_000L, "arrived after " + oneWay / 1000 + " µs");
                send(server, r.data(), r.from());
                long roundTrip = receiveOrFail(client).atNanos() - sent;
                assertTrue(roundTrip >= 100_000_000L, "round trip " + roundTrip / 1000 + " µs");
                assertTrue(roundTrip < 2_000_000_000L, "round trip " + roundTrip / 1000 + " µs");
            }
        }
    }

    @Test
    void duplicationDuplicates() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
                ImpairmentRelay relay = relay(server, LinkConfig.builder().duplication(1.0).build())) {
            sendPaced(client, relay, 20, RelayImpairmentsTest::numbered);
            int[] copies = new int[20];
            for (int i = 0; i < 40; i++) {
                copies[ByteBuffer.wrap(receiveOrFail(server).data()).getInt(0)]++;
            }
            assertTrue(Arrays.stream(copies).allMatch(c -> c == 2), Arrays.toString(copies));
            assertNull(receive(server, RelayPeers.QUIET));
            RelayStats s = relay.stats();
            assertEquals(20, s.toServer().duplicated());
            assertEquals(40, s.toServer().relayed());
        }
    }

    @Test
    void corruptionChangesBytesButNotLengths() throws Exception {
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
                ImpairmentRelay relay = relay(server, LinkConfig.builder().corruption(1.0).build())) {
            sendPaced(client, relay, 20, i -> new byte[100]);
            for (int i = 0; i < 20; i++) {
                byte[] got = receiveOrFail(server).data();
                assertEquals(100, got.length);
                assertFalse(Arrays.equals(new byte[100], got), "datagram " + i + " arrived intact");
            }
            assertEquals(20, relay.stats().toServer().corrupted());
        }
    }

    @Test
    void reorderingLetsLaterDatagramsOvertake() throws Exception {
        LinkConfig reorder = LinkConfig.builder().reorder(0.3).reorderDelay(Duration.ofMillis(50)).build();
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
                ImpairmentRelay relay = relay(server, reorder)) {
            for (int i = 0; i < 40; i++) {
                send(client, numbered(i), relay.localAddress());
            }
            int inversions = 0;
            int previous = -1;
            for (int i = 0; i < 40; i++) {
                int n = ByteBuffer.wrap(receiveOrFail(server).data()).getInt(0);
                inversions += n < previous ? 1 : 0;
                previous = n;
            }
            RelayStats s = relay.stats();
            assertTrue(s.toServer().reordered() > 0, s.toString());
            assertTrue(inversions > 0, "every datagram arrived in order");
        }
    }

    @Test
    void severalClientsThroughALossyJitteryLinkEachGetOnlyTheirOwnReplies() throws Exception {
        LinkConfig lossy = LinkConfig.builder().loss(0.1).jitter(Duration.ofMillis(3))
                .latency(Duration.ofMillis(5)).build();
        int clients = 6;
        int perClient = 50;
        try (DatagramChannel server = socket();
                ImpairmentRelay relay = ImpairmentRelay.builder(address(server)).link(lossy).seed(5).open()) {
            Thread echo = Thread.ofPlatform().daemon().start(() -> {
                ByteBuffer b = ByteBuffer.allocate(2048);
                try {
                    while (true) {
                        b.clear();
                        var from = server.receive(b);
                        b.flip();
                        server.send(b, from);
                    }
                } catch (IOException closed) {
                    // The test is over.
                }
            });
            DatagramChannel[] peers = new DatagramChannel[clients];
            try {
                for (int c = 0; c < clients; c++) {
                    peers[c] = socket();
                }
                for (int i = 0; i < perClient; i++) {
                    for (int c = 0; c < clients; c++) {
                        send(peers[c], ByteBuffer.allocate(8).putInt(0, c).putInt(4, i).array(),
                                relay.localAddress());
                    }
                    Thread.sleep(1);
                }
                long received = 0;
                for (int c = 0; c < clients; c++) {
                    for (Received r; (r = receive(peers[c], RelayPeers.QUIET)) != null; received++) {
                        assertEquals(c, ByteBuffer.wrap(r.data()).getInt(0), "a reply reached the wrong client");
                    }
                }
                RelayStats s = relay.stats();
                assertEquals(clients, s.activeClients());
                assertEquals(clients * perClient, s.toServer().received(), s.toString());
                assertEquals(s.toClient().relayed(), received, s.toString());
                // 10 % loss each way: about 81 % of the echoes come back.
                assertTrue(received > 0.65 * clients * perClient && received < 0.95 * clients * perClient,
                        received + " of " + clients * perClient);
            } finally {
                for (DatagramChannel p : peers) {
                    if (p != null) {
                        p.close();
                    }
                }
                server.close();
                echo.join();
            }
        }
    }

    @Test
    void bandwidthPacesDatagramsAndTheQueueOverflows() throws Exception {
        // 100 kbit/s: a 500-byte datagram takes 40 ms on the wire.
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
                ImpairmentRelay relay = relay(server, LinkConfig.builder().bandwidth(100_000).build())) {
            long start = System.nanoTime();
            sendPaced(client, relay, 10, i -> new byte[500]);
            for (int i = 0; i < 10; i++) {
                receiveOrFail(server);
            }
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= 380_000_000L, "10 x 40 ms took " + elapsed / 1_000_000 + " ms");
        }
        try (DatagramChannel server = socket(); DatagramChannel client = socket();
                ImpairmentRelay relay = relay(server,
                        LinkConfig.builder().bandwidth(100_000).queueCapacity(2000).build())) {
            sendPaced(client, relay, 20, i -> new byte[500]);
            RelayStats s = relay.stats();
            // The queue holds four 500-byte datagrams; the rest of a quick burst overflows it.
            assertTrue(s.toServer().queueDropped() >= 10, s.toString());
            assertEquals(20 - s.toServer().queueDropped(), drain(server));
        }
    }
}
