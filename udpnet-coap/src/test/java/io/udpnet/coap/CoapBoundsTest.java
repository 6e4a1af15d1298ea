package io.udpnet.coap;

import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.CoapOption;
import io.udpnet.coap.message.MessageType;
import io.udpnet.coap.message.OptionNumber;
import io.udpnet.transport.UdpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounds on what a peer can make the server hold, and block-wise notifications. */
@Timeout(60)
class CoapBoundsTest {

    @Test
    void requestsInProgressPerPeerAreBounded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        CoapConfig cfg = new CoapConfig(Duration.ofSeconds(2), 1.5, 4, Duration.ofSeconds(247), Duration.ofSeconds(30),
                100, 3, 10, 1024, 10, 3);
        try (CoapServer server = CoapServer.builder().config(cfg).resource(CoapResource.builder("/block").get(r -> {
            running.incrementAndGet();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CoapResponse.text("ok");
        }).build()).build()) {
            UdpServer udp = server.bind(TestResources.loopback());
            try (RawPeer peer = new RawPeer(udp.localAddress())) {
                for (int mid = 0; mid < 5; mid++) {
                    peer.send(CoapMessage.builder().messageId(mid).code(CoapCode.GET).uriPath("/block").build());
                }
                // Three run; the fourth and fifth are refused at once with 5.03.
                for (int i = 0; i < 2; i++) {
                    CoapMessage r = peer.receive(5000);
                    assertEquals(CoapCode.SERVICE_UNAVAILABLE, r.code());
                }
                assertEquals(2, server.stats().overloaded());
                release.countDown();
                for (int i = 0; i < 3; i++) {
                    assertEquals(CoapCode.CONTENT, peer.receive(5000).code());
                }
                assertEquals(3, running.get());
            }
        }
    }

    @Test
    void observersPerResourceAreBounded() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT.withMaxObserversPerResource(2));
        try (res.server) {
            UdpServer udp = res.server.bind(TestResources.loopback());
            try (RawPeer peer = new RawPeer(udp.localAddress())) {
                for (int i = 0; i < 4; i++) {
                    peer.send(CoapMessage.builder().messageId(i).code(CoapCode.GET).token(new byte[] {(byte) i})
                            .uriPath("/counter").option(CoapOption.ofUint(OptionNumber.OBSERVE, 0)).build());
                    CoapMessage r = peer.receive(5000);
                    assertEquals(CoapCode.CONTENT, r.code());
                    // Beyond the bound the GET is still answered, without Observe: not registered.
                    assertEquals(i < 2, r.option(OptionNumber.OBSERVE) != null, "response " + i);
                }
                assertEquals(2, res.server.stats().observers());
                // Re-registering with the same token replaces, it does not add.
                peer.send(CoapMessage.builder().messageId(9).code(CoapCode.GET).token(new byte[] {0})
                        .uriPath("/counter").option(CoapOption.ofUint(OptionNumber.OBSERVE, 0)).build());
                peer.receive(5000);
                assertEquals(2, res.server.stats().observers());
                // Deregistration with Observe 1.
                peer.send(CoapMessage.builder().messageId(10).code(CoapCode.GET).token(new byte[] {0})
                        .uriPath("/counter").option(CoapOption.ofUint(OptionNumber.OBSERVE, 1)).build());
                CoapMessage r = peer.receive(5000);
                assertNull(r.option(OptionNumber.OBSERVE));
                assertEquals(1, res.server.stats().observers());
            }
        }
    }

    @Test
    void unansweredConfirmableNotificationsEndTheObservation() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT.withRetransmission(Duration.ofMillis(50), 1));
        try (res.server) {
            UdpServer udp = res.server.bind(TestResources.loopback());
            try (RawPeer peer = new RawPeer(udp.localAddress())) {
                peer.send(CoapMessage.builder().messageId(1).code(CoapCode.GET).token(new byte[] {7})
                        .uriPath("/counter").option(CoapOption.ofUint(OptionNumber.OBSERVE, 0)).build());
                peer.receive(5000);
                for (int i = 0; i < 10; i++) { // the tenth is confirmable; it is never acknowledged
                    res.tick();
                    peer.receive(5000);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (res.server.stats().observers() != 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(0, res.server.stats().observers());
            }
        }
    }

    @Test
    void blockwiseNotificationsAreReassembledByTheClient() throws Exception {
        AtomicInteger version = new AtomicInteger();
        CoapResource big = CoapResource.builder("/big").observable()
                .get(r -> CoapResponse.of(CoapCode.CONTENT, body(version.get()), 0)).build();
        try (CoapServer server = CoapServer.builder().config(CoapConfig.DEFAULT.withBlockSize(256)).resource(big)
                .build()) {
            UdpServer udp = server.bind(TestResources.loopback());
            List<byte[]> seen = new CopyOnWriteArrayList<>();
            try (CoapClient c = CoapClient.connect(udp.localAddress());
                 CoapObservation o = c.observe("/big", r -> seen.add(r.payload()))) {
                assertTrue(o.isRegistered());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (seen.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                version.set(1);
                big.changed();
                while (seen.size() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(2, seen.size());
                assertArrayEquals(body(0), seen.get(0));
                assertArrayEquals(body(1), seen.get(1));
                assertFalse(new String(seen.get(1), StandardCharsets.US_ASCII).contains("v0"));
            }
        }
    }

    @Test
    void unverifiedPeerGetsAtMostThreeTimesItsRequestUntilItEchoes() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT);
        try (res.server) {
            UdpServer udp = res.server.bind(TestResources.loopback());
            try (RawPeer peer = new RawPeer(udp.localAddress())) {
                CoapMessage get = CoapMessage.builder().messageId(1).code(CoapCode.GET).token(new byte[] {5})
                        .uriPath("/large").build();
                int requestSize = io.udpnet.coap.message.MessageCodec.encode(get).length;
                peer.send(get);
                byte[] first = peer.receiveRaw(5000);
                int budget = Math.max(3 * requestSize, PeerHandler.MIN_LIMITED_DATAGRAM);
                assertTrue(first.length <= budget, first.length + " bytes for a " + requestSize + "-byte request");
                CoapMessage r = io.udpnet.coap.message.MessageCodec.decode(java.nio.ByteBuffer.wrap(first));
                assertEquals(CoapCode.CONTENT, r.code());
                io.udpnet.coap.message.BlockOption block = io.udpnet.coap.message.BlockOption.fromUint(
                        r.uintOption(OptionNumber.BLOCK2));
                assertTrue(block.more() && block.size() < 1024, "a smaller first block: " + block);
                CoapOption echo = r.option(AddressCheck.ECHO);
                assertTrue(echo != null, "an Echo value to return");
                assertEquals(1, res.server.stats().amplificationLimited());
                // A wrong Echo value verifies nothing.
                byte[] forged = echo.value().clone();
                forged[forged.length - 1] ^= 1;
                peer.send(get.toBuilder().messageId(2).option(new CoapOption(AddressCheck.ECHO, forged)).build());
                assertTrue(peer.receiveRaw(5000).length <= Math.max(3 * (requestSize + 14),
                        PeerHandler.MIN_LIMITED_DATAGRAM));
                // A larger request gets a larger share: 3 times its size.
                CoapMessage bigger = get.toBuilder().messageId(4).token(new byte[8])
                        .option(CoapOption.ofString(OptionNumber.URI_QUERY, "padding=" + "x".repeat(40))).build();
                int biggerSize = io.udpnet.coap.message.MessageCodec.encode(bigger).length;
                peer.send(bigger);
                byte[] second = peer.receiveRaw(5000);
                assertTrue(second.length <= 3 * biggerSize && second.length > PeerHandler.MIN_LIMITED_DATAGRAM,
                        second.length + " bytes for a " + biggerSize + "-byte request");
                // The real one does: the next response is a full 1,024-byte block.
                peer.send(get.toBuilder().messageId(3).option(echo).build());
                CoapMessage full = peer.receive(5000);
                assertEquals(1024, full.payload().length);
                assertNull(full.option(AddressCheck.ECHO));
                assertArrayEquals(java.util.Arrays.copyOf(res.large, 1024), full.payload());
            }
        }
    }

    @Test
    void transportThatVerifiesAddressesGetsNoAmplificationLimit() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT);
        try (res.server) {
            // As a DTLS transport would be opened for coaps://: its cookie exchange has verified every peer.
            UdpServer udp = res.server.open(io.udpnet.transport.UdpServerConfig.builder()
                    .bindAddress(TestResources.loopback()), true);
            try (RawPeer peer = new RawPeer(udp.localAddress())) {
                peer.send(CoapMessage.builder().messageId(1).code(CoapCode.GET).uriPath("/large").build());
                CoapMessage r = peer.receive(5000);
                assertEquals(1024, r.payload().length);
                assertNull(r.option(AddressCheck.ECHO));
                assertEquals(0, res.server.stats().amplificationLimited());
            }
        }
    }

    @Test
    void spoofedObserverIsDroppedAfterItsFirstUnansweredNotification() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT.withRetransmission(Duration.ofMillis(50), 2));
        try (res.server) {
            UdpServer udp = res.server.bind(TestResources.loopback());
            try (RawPeer peer = new RawPeer(udp.localAddress())) {
                peer.send(CoapMessage.builder().messageId(1).code(CoapCode.GET).token(new byte[] {7})
                        .uriPath("/counter").option(CoapOption.ofUint(OptionNumber.OBSERVE, 0)).build());
                peer.receive(5000);
                assertEquals(1, res.server.stats().observers());
                res.tick(); // the "victim" never acknowledges: one CON notification, two retransmissions, gone
                int got = 0;
                while (peer.receiveRaw(1000) != null) {
                    got++;
                }
                assertEquals(3, got);
                assertEquals(0, res.server.stats().observers());
            }
        }
    }

    @Test
    void block1OutOfOrderIsIncompleteAndOversizeIsRefused() throws Exception {
        TestResources res = new TestResources(CoapConfig.DEFAULT);
        try (res.server; RawPeer peer = new RawPeer(res.server.bind(TestResources.loopback()).localAddress())) {
            byte[] chunk = new byte[1024];
            AtomicInteger mid = new AtomicInteger();
            java.util.function.BiFunction<Integer, Boolean, CoapMessage> block = (num, more) -> CoapMessage.builder()
                    .messageId(mid.incrementAndGet()).code(CoapCode.PUT).token(new byte[] {1}).uriPath("/store")
                    .option(new io.udpnet.coap.message.BlockOption(num, more, 6).toOption(OptionNumber.BLOCK1))
                    .payload(chunk).build();
            peer.send(block.apply(0, true));
            CoapMessage r = peer.receive(5000);
            assertEquals(CoapCode.CONTINUE, r.code());
            assertEquals(8 | 6, r.uintOption(OptionNumber.BLOCK1), "block 0 echoed with the more flag");
            peer.send(block.apply(2, true)); // block 1 skipped
            assertEquals(CoapCode.REQUEST_ENTITY_INCOMPLETE, peer.receive(5000).code());
            assertEquals("initial", res.stored.get(), "the handler never ran");
            // 64 KiB is the most re-assembled; the 65th block of 1 KiB is refused.
            int num = 0;
            for (; num < 64; num++) {
                peer.send(block.apply(num, true));
                assertEquals(CoapCode.CONTINUE, peer.receive(5000).code(), "block " + num);
            }
            peer.send(block.apply(num, false));
            assertEquals(CoapCode.REQUEST_ENTITY_TOO_LARGE, peer.receive(5000).code());
            assertEquals("initial", res.stored.get());
        }
    }

    private static byte[] body(int v) {
        return ("v" + v + ":").repeat(400).getBytes(StandardCharsets.US_ASCII);
    }
}
