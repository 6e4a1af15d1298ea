package io.udpnet.coap;

import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.MessageCodec;
import io.udpnet.coap.message.MessageType;
import io.udpnet.transport.UdpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class CoapClientTest {
    private static final CoapConfig FAST = CoapConfig.DEFAULT.withRetransmission(Duration.ofMillis(100), 4);

    /** A hand-driven server socket: the test decides what to answer. */
    private static DatagramSocket serverSocket() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.setSoTimeout(5000);
        return s;
    }

    private static DatagramPacket receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return p;
    }

    private static CoapMessage decode(DatagramPacket p) throws Exception {
        return MessageCodec.decode(ByteBuffer.wrap(p.getData(), 0, p.getLength()));
    }

    private static void reply(DatagramSocket s, DatagramPacket to, CoapMessage m) throws Exception {
        byte[] b = MessageCodec.encode(m);
        s.send(new DatagramPacket(b, b.length, to.getSocketAddress()));
    }

    @Test
    void confirmableRequestIsRetransmittedWithTheSameIdAndBackOff() throws Exception {
        try (DatagramSocket srv = serverSocket();
             CoapClient c = CoapClient.open(UdpDatagramPipe.connect((InetSocketAddress) srv.getLocalSocketAddress()),
                     FAST)) {
            long start = System.nanoTime();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    CoapMessage[] seen = new CoapMessage[3];
                    long[] at = new long[3];
                    DatagramPacket p = null;
                    for (int i = 0; i < 3; i++) { // drop the first two, answer the third
                        p = receive(srv);
                        seen[i] = decode(p);
                        at[i] = System.nanoTime();
                    }
                    assertEquals(seen[0], seen[1]);
                    assertEquals(seen[0], seen[2]);
                    // Back-off: the second retransmission leaves at least T + 2T after the request (T >= ACK_TIMEOUT,
                    // 100 ms), where a constant time-out would allow 2T. Only a lower bound: delays only add to it.
                    assertTrue(at[2] - start >= TimeUnit.MILLISECONDS.toNanos(300), "doubling time-out");
                    reply(srv, p, CoapMessage.builder().type(MessageType.ACK).code(CoapCode.CONTENT)
                            .messageId(seen[0].messageId()).token(seen[0].token())
                            .payload("ok".getBytes(StandardCharsets.UTF_8)).build());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals("ok", c.get("/x").payloadText());
            t.join();
            assertEquals(2, c.retransmissions());
        }
    }

    @Test
    void givesUpAfterMaxRetransmit() throws Exception {
        try (DatagramSocket srv = serverSocket();
             CoapClient c = CoapClient.open(UdpDatagramPipe.connect((InetSocketAddress) srv.getLocalSocketAddress()),
                     CoapConfig.DEFAULT.withRetransmission(Duration.ofMillis(50), 2))) {
            assertThrows(CoapTimeoutException.class, () -> c.get("/x"));
            int n = 0;
            srv.setSoTimeout(200);
            try {
                while (true) {
                    receive(srv);
                    n++;
                }
            } catch (java.net.SocketTimeoutException done) {
                assertEquals(3, n, "the request and two retransmissions");
            }
        }
    }

    @Test
    void separateResponseIsAcknowledgedAndMatchedByToken() throws Exception {
        try (DatagramSocket srv = serverSocket();
             CoapClient c = CoapClient.open(UdpDatagramPipe.connect((InetSocketAddress) srv.getLocalSocketAddress()),
                     FAST)) {
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    DatagramPacket p = receive(srv);
                    CoapMessage req = decode(p);
                    reply(srv, p, CoapMessage.empty(MessageType.ACK, req.messageId()));
                    Thread.sleep(500); // longer than the first two retransmission time-outs: none may come
                    CoapMessage resp = CoapMessage.builder().type(MessageType.CON).code(CoapCode.CONTENT)
                            .messageId(999).token(req.token()).payload("late".getBytes(StandardCharsets.UTF_8))
                            .build();
                    reply(srv, p, resp);
                    CoapMessage ack = decode(receive(srv));
                    assertEquals(MessageType.ACK, ack.type());
                    assertEquals(999, ack.messageId());
                    // As if that ACK were lost: the same response again is acknowledged again, not reset.
                    reply(srv, p, resp);
                    CoapMessage again = decode(receive(srv));
                    assertEquals(MessageType.ACK, again.type());
                    assertEquals(999, again.messageId());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals("late", c.get("/slow").payloadText());
            t.join();
            assertEquals(0, c.retransmissions());
        }
    }

    @Test
    void resetFailsTheRequestAndUnknownResponsesAreReset() throws Exception {
        try (DatagramSocket srv = serverSocket();
             CoapClient c = CoapClient.open(UdpDatagramPipe.connect((InetSocketAddress) srv.getLocalSocketAddress()),
                     FAST)) {
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    DatagramPacket p = receive(srv);
                    CoapMessage req = decode(p);
                    // A stray confirmable response nobody asked for: the client must reset it.
                    reply(srv, p, CoapMessage.builder().type(MessageType.CON).code(CoapCode.CONTENT).messageId(5)
                            .token(new byte[] {9, 9}).build());
                    CoapMessage rst = decode(receive(srv));
                    assertEquals(MessageType.RST, rst.type());
                    assertEquals(5, rst.messageId());
                    // Malformed bytes are counted and dropped.
                    srv.send(new DatagramPacket(new byte[] {1, 2}, 2, p.getSocketAddress()));
                    reply(srv, p, CoapMessage.empty(MessageType.RST, req.messageId()));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertThrows(java.io.IOException.class, () -> c.get("/x"));
            t.join();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (c.malformedReceived() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, c.malformedReceived());
        }
    }

    @Test
    void clientAgainstUdpnetServer() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT.withBlockSize(256));
        try (res.server; CoapClient c = CoapClient.open(UdpDatagramPipe.connect(
                res.server.bind(TestResources.loopback()).localAddress()), CoapConfig.DEFAULT.withBlockSize(64))) {
            assertEquals(TestResources.HELLO, c.get("/hello").payloadText());
            CoapResponse large = c.get("/large");
            assertArrayEquals(res.large, large.payload(), "re-assembled from 64-byte blocks");
            assertEquals(TestResources.HELLO, c.request(CoapCode.GET, "/hello", new byte[0], -1, false)
                    .payloadText(), "NON request");
            assertEquals(CoapCode.CREATED, c.post("/store", "+1".getBytes(StandardCharsets.UTF_8), 0).code());
            assertEquals("initial+1", c.get("/store").payloadText());
            String big = "0123456789abcdef".repeat(200); // 3,200 bytes: Block1 in 64-byte blocks
            assertEquals(CoapCode.CHANGED, c.put("/store", big.getBytes(StandardCharsets.UTF_8), 0).code());
            assertEquals(big, res.stored.get());
            assertEquals(CoapCode.DELETED, c.delete("/store").code());
            assertEquals(CoapCode.NOT_FOUND, c.get("/absent").code());
            assertTrue(c.get("/.well-known/core?href=/c*").payloadText().startsWith("</counter>"));

            List<String> seen = new CopyOnWriteArrayList<>();
            CoapObservation o = c.observe("/counter", r -> seen.add(r.payloadText()));
            assertTrue(o.isRegistered());
            for (int i = 0; i < 3; i++) {
                res.tick();
                Thread.sleep(50);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!seen.contains("[3]") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of("[0]", "[1]", "[2]", "[3]"), seen);
            o.cancel();
            assertEquals(0, res.server.stats().observers());
            assertFalse(o.isRegistered());
            // Observing a resource that is not observable: a plain response, no registration.
            CoapObservation plain = c.observe("/hello", r -> { });
            assertFalse(plain.isRegistered());
        }
    }

    @Test
    void firstTimeoutIsDrawnFromTheRfcRange() {
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 1000; i++) {
            long t = CoapConfig.DEFAULT.initialTimeoutNanos(r);
            assertTrue(t >= 2_000_000_000L && t <= 3_000_000_000L, "ACK_TIMEOUT x [1, ACK_RANDOM_FACTOR]: " + t);
        }
    }

    @Test
    void clientReturnsEchoAndGrowsItsBlocksBack() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT);
        try (res.server; CoapClient c = CoapClient.connect(res.server.bind(TestResources.loopback()).localAddress())) {
            // A short request: the unverified first answer comes in a small block with an Echo value.
            assertArrayEquals(res.large, c.get("/large").payload());
            CoapServerStats s = res.server.stats();
            assertEquals(1, s.amplificationLimited(), "only the first answer was limited");
            // Without the Echo and the growing block size this would take 5000 / 32 = 157 requests.
            assertTrue(s.requests() <= 12, "requests: " + s.requests());
        }
    }

    @Test
    void observeSequenceFreshness() {
        assertTrue(CoapObservation.isFresher(1, 2));
        assertFalse(CoapObservation.isFresher(2, 1));
        assertFalse(CoapObservation.isFresher(5, 5));
        assertTrue(CoapObservation.isFresher(0xFF_FFFF, 0), "wraps around");
        assertFalse(CoapObservation.isFresher(0, 0xFF_FFFF));
    }

    @Test
    void serverIdleTransportIsUnaffectedByClientClose() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT);
        try (res.server) {
            UdpServer udp = res.server.bind(TestResources.loopback());
            CoapClient c = CoapClient.connect(udp.localAddress());
            c.close();
            assertThrows(java.io.IOException.class, () -> c.get("/hello"));
            try (CoapClient c2 = CoapClient.connect(udp.localAddress())) {
                assertEquals(TestResources.HELLO, c2.get("/hello").payloadText());
            }
        }
    }
}
