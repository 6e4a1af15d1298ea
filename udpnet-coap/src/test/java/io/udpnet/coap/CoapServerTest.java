package io.udpnet.coap;

import io.udpnet.coap.message.BlockOption;
import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.CoapOption;
import io.udpnet.coap.message.MessageCodec;
import io.udpnet.coap.message.MessageType;
import io.udpnet.coap.message.OptionNumber;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class CoapServerTest {
    private CoapServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Binds {@code s} on loopback (closed after the test) and returns a raw peer that talks to it. */
    private RawPeer rawPeerTo(CoapServer s) throws Exception {
        server = s;
        return new RawPeer(s.bind(TestResources.loopback()).localAddress());
    }

    /** Registers {@code peer} as an observer of {@code /counter} and returns the first response. */
    private static CoapMessage observeCounter(RawPeer peer) throws Exception {
        peer.send(get(MessageType.CON, 1, "/counter").toBuilder()
                .option(CoapOption.ofUint(OptionNumber.OBSERVE, 0)).build());
        return peer.receive(5000);
    }

    /** Sends a GET for {@code path} and returns the first message that comes back. */
    private static CoapMessage request(RawPeer peer, MessageType type, int mid, String path) throws Exception {
        peer.send(get(type, mid, path));
        return peer.receive(5000);
    }

    private static CoapMessage get(MessageType type, int mid, String path) {
        return CoapMessage.builder().type(type).code(CoapCode.GET).messageId(mid).token(new byte[] {1, 2, 3})
                .uriPath(path).build();
    }

    @Test
    void retransmittedConRequestIsProcessedOnceAndAnsweredFromTheCache() throws Exception {
        // No amplification limit: this tiny request would otherwise get its answer in 16-byte blocks
        // (CoapBoundsTest covers that).
        TestResources res = new TestResources(CoapConfig.DEFAULT.withAmplificationFactor(0));
        try (RawPeer peer = rawPeerTo(res.server)) {
            CoapMessage req = get(MessageType.CON, 0x4242, "/hello");
            peer.send(req);
            byte[] first = peer.receiveRaw(5000);
            for (int i = 0; i < 3; i++) {
                peer.send(req); // the client "lost" the ACK and retransmits with the same message ID
                assertArrayEquals(first, peer.receiveRaw(5000), "the same reply, from the cache");
            }
            CoapMessage ack = MessageCodec.decode(java.nio.ByteBuffer.wrap(first));
            assertEquals(MessageType.ACK, ack.type());
            assertEquals(0x4242, ack.messageId());
            assertEquals(TestResources.HELLO, new String(ack.payload(), StandardCharsets.UTF_8));
            assertArrayEquals(new byte[] {1, 2, 3}, ack.token());
            assertEquals(1, res.helloCalls.get(), "the handler ran once");
            assertEquals(3, server.stats().duplicates());
            // A new message ID is a new request.
            request(peer, MessageType.CON, 0x4243, "/hello");
            assertEquals(2, res.helloCalls.get());
        }
    }

    @Test
    void nonRequestGetsNonResponseAndIsAlsoDeduplicated() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT);
        try (RawPeer peer = rawPeerTo(res.server)) {
            CoapMessage r = request(peer, MessageType.NON, 7, "/hello");
            assertEquals(MessageType.NON, r.type());
            assertEquals(CoapCode.CONTENT, r.code());
            request(peer, MessageType.NON, 7, "/hello");
            assertEquals(1, res.helloCalls.get());
        }
    }

    @Test
    void dedupCacheIsBounded() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT.withDedupCacheSize(4));
        try (RawPeer peer = rawPeerTo(res.server)) {
            for (int mid = 0; mid < 10; mid++) {
                request(peer, MessageType.CON, mid, "/hello");
            }
            CoapServerStats s = server.stats();
            assertEquals(4, s.dedupEntries());
            assertEquals(6, s.dedupEvictions());
            // The newest ones are still remembered; the oldest is forgotten and processed again.
            request(peer, MessageType.CON, 9, "/hello");
            assertEquals(10, res.helloCalls.get());
            request(peer, MessageType.CON, 0, "/hello");
            assertEquals(11, res.helloCalls.get());
        }
    }

    @Test
    void malformedDatagramsAreCountedAndConfirmableOnesReset() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT);
        try (RawPeer peer = rawPeerTo(res.server)) {
            peer.sendRaw(new byte[] {0x40, 0x01});                               // too short: ignored
            peer.sendRaw(new byte[] {(byte) 0x80, 0x01, 0, 1});                  // version 2: ignored
            peer.sendRaw(new byte[] {0x59, 0x01, 0, 2});                         // NON, token length 9: ignored
            assertNull(peer.receiveRaw(300));
            peer.sendRaw(new byte[] {0x40, 0x01, 0x12, 0x34, (byte) 0xFF});      // CON, marker, no payload
            CoapMessage rst = peer.receive(5000);
            assertEquals(MessageType.RST, rst.type());
            assertEquals(0x1234, rst.messageId());
            assertEquals(4, server.stats().malformed());
            // CoAP ping: an empty CON is answered with RST.
            peer.send(CoapMessage.empty(MessageType.CON, 0x0101));
            CoapMessage pong = peer.receive(5000);
            assertEquals(MessageType.RST, pong.type());
            assertEquals(0x0101, pong.messageId());
            // The server still works.
            assertEquals(CoapCode.CONTENT, request(peer, MessageType.CON, 5, "/hello").code());
        }
    }

    @Test
    void errorCodes() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT);
        try (RawPeer peer = rawPeerTo(res.server)) {
            assertEquals(CoapCode.NOT_FOUND, request(peer, MessageType.CON, 1, "/nope").code());
            peer.send(CoapMessage.builder().code(CoapCode.DELETE).messageId(2).uriPath("/hello").build());
            assertEquals(CoapCode.METHOD_NOT_ALLOWED, peer.receive(5000).code());
            // An unknown critical option (If-Match is not implemented) gets 4.02 Bad Option.
            peer.send(get(MessageType.CON, 3, "/hello").toBuilder()
                    .option(new CoapOption(OptionNumber.IF_MATCH, new byte[] {1})).build());
            assertEquals(CoapCode.BAD_OPTION, peer.receive(5000).code());
            // An unknown elective option is ignored.
            peer.send(get(MessageType.CON, 4, "/hello").toBuilder().option(new CoapOption(2048, new byte[0])).build());
            assertEquals(CoapCode.CONTENT, peer.receive(5000).code());
            // Accept a format the resource does not have: 4.06.
            peer.send(get(MessageType.CON, 5, "/hello").toBuilder()
                    .option(CoapOption.ofUint(OptionNumber.ACCEPT, 50)).build());
            assertEquals(CoapCode.NOT_ACCEPTABLE, peer.receive(5000).code());
            // A block beyond the end: 4.02.
            peer.send(get(MessageType.CON, 6, "/large").toBuilder()
                    .option(new BlockOption(100, false, 6).toOption(OptionNumber.BLOCK2)).build());
            assertEquals(CoapCode.BAD_OPTION, peer.receive(5000).code());
            // A response sent to the server lacks context: RST.
            peer.send(CoapMessage.builder().code(CoapCode.CONTENT).messageId(7).build());
            assertEquals(MessageType.RST, peer.receive(5000).type());
        }
    }

    @Test
    void slowHandlerGetsEmptyAckThenSeparateConResponse() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        CoapConfig config = CoapConfig.DEFAULT.withSeparateResponseAfter(Duration.ofMillis(50));
        CoapServer slow = CoapServer.builder().config(config)
                .resource(CoapResource.builder("/slow").get(r -> {
                    calls.incrementAndGet();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return CoapResponse.text("done");
                }).build()).build();
        try (RawPeer peer = rawPeerTo(slow)) {
            CoapMessage ack = request(peer, MessageType.CON, 0x77, "/slow");
            assertEquals(MessageType.ACK, ack.type());
            assertTrue(ack.isEmpty());
            assertEquals(0x77, ack.messageId());
            // A retransmission meanwhile gets the empty ACK again and does not run the handler again.
            peer.send(get(MessageType.CON, 0x77, "/slow"));
            assertTrue(peer.receive(5000).isEmpty());
            release.countDown();
            CoapMessage resp = peer.receive(5000);
            assertEquals(MessageType.CON, resp.type());
            assertEquals("done", new String(resp.payload(), StandardCharsets.UTF_8));
            assertArrayEquals(new byte[] {1, 2, 3}, resp.token());
            peer.send(CoapMessage.empty(MessageType.ACK, resp.messageId()));
            assertNull(peer.receiveRaw(2500), "acknowledged: no retransmission");
            assertEquals(1, calls.get());
            assertEquals(1, server.stats().separateResponses());
        }
    }

    @Test
    void unacknowledgedSeparateResponseIsRetransmittedWithBackOff() throws Exception {
        CoapServer slow = CoapServer.builder().config(CoapConfig.DEFAULT.withSeparateResponseAfter(Duration.ZERO)
                        .withRetransmission(Duration.ofMillis(100), 2))
                .resource(CoapResource.builder("/x").get(r -> {
                    try {
                        Thread.sleep(300); // well after the (immediate) empty ACK, even on a busy machine
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return CoapResponse.text("x");
                }).build()).build();
        try (RawPeer peer = rawPeerTo(slow)) {
            peer.send(get(MessageType.CON, 1, "/x"));
            assertTrue(peer.receive(5000).isEmpty());
            CoapMessage first = peer.receive(5000);
            assertEquals(first, peer.receive(5000), "retransmission 1");
            assertEquals(first, peer.receive(5000), "retransmission 2");
            assertNull(peer.receiveRaw(1500), "MAX_RETRANSMIT 2: then it gives up");
            assertEquals(2, server.stats().retransmissions());
        }
    }

    @Test
    void oneServerOnTwoTransportsSharesResourcesAndAcceptModeWorks() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT);
        server = res.server;
        UdpServer a = server.bind(TestResources.loopback());
        // The second one is opened by the caller without a listener and served through accept().
        try (UdpServer b = UdpServer.open(UdpServerConfig.builder().bindAddress(TestResources.loopback()).build());
             CoapClient ca = CoapClient.connect(a.localAddress());
             CoapClient cb = CoapClient.connect(b.localAddress())) {
            server.serve(b);
            // A transport with a listener cannot also be read through accept().
            assertThrows(IllegalArgumentException.class, () -> server.serve(a));
            assertEquals(TestResources.HELLO, ca.get("/hello").payloadText());
            assertEquals(TestResources.HELLO, cb.get("/hello").payloadText());
            assertEquals(CoapCode.CHANGED, cb.put("/store", "via b".getBytes(StandardCharsets.UTF_8), 0).code());
            assertEquals("via b", ca.get("/store").payloadText());
            assertEquals(2, res.helloCalls.get());
        }
    }

    @Test
    void observeRegisterNotifyAndResetCancels() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT);
        try (RawPeer peer = rawPeerTo(res.server)) {
            CoapMessage first = observeCounter(peer);
            assertTrue(first.option(OptionNumber.OBSERVE) != null, "registered: " + first);
            assertEquals(1, server.stats().observers());
            long prev = first.uintOption(OptionNumber.OBSERVE);
            CoapMessage n = null;
            for (int i = 1; i <= 3; i++) {
                res.tick();
                n = peer.receive(5000);
                if (n.type() == MessageType.CON) {
                    peer.send(CoapMessage.empty(MessageType.ACK, n.messageId()));
                }
                assertEquals("[" + i + "]", new String(n.payload(), StandardCharsets.UTF_8));
                assertArrayEquals(new byte[] {1, 2, 3}, n.token());
                long seq = n.uintOption(OptionNumber.OBSERVE);
                assertTrue(seq > prev, "sequence numbers increase");
                prev = seq;
            }
            peer.send(CoapMessage.empty(MessageType.RST, n.messageId()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.stats().observers() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, server.stats().observers());
            res.tick();
            assertNull(peer.receiveRaw(300), "no notification after the RST");
        }
    }

    @Test
    void everyTenthNotificationIsConfirmable() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT);
        try (RawPeer peer = rawPeerTo(res.server)) {
            observeCounter(peer);
            StringBuilder types = new StringBuilder();
            for (int i = 1; i <= 20; i++) {
                res.tick();
                CoapMessage n = peer.receive(5000);
                types.append(n.type() == MessageType.CON ? 'C' : 'N');
                if (n.type() == MessageType.CON) {
                    peer.send(CoapMessage.empty(MessageType.ACK, n.messageId()));
                    Thread.sleep(200); // let the ACK arrive before the next change
                }
            }
            // The first is confirmable because the peer is not verified yet (its ACK verifies it); then the 10th
            // and 20th; the one after a CON may be too, when it left before the ACK arrived (a newer notification
            // replaces one in flight and stays confirmable).
            assertTrue(types.toString().matches("CN{8}C(N{9}|CN{8})C"), types.toString());
        }
    }
}
