package io.udpnet.coap;

import io.udpnet.coap.message.CoapCode;
import io.udpnet.dtls.DtlsClientConfig;
import io.udpnet.dtls.DtlsServerConfig;
import io.udpnet.dtls.DtlsStats;
import io.udpnet.dtls.DtlsTrust;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** udpnet's CoAP client over DTLS ({@code coaps://}) against udpnet's CoAP server on a DTLS-configured UdpServer. */
@Timeout(60)
class CoapDtlsTest {
    private TestResources res;
    private UdpServer secure;
    private UdpServer plain;
    private String fingerprint;

    @BeforeEach
    void start() throws IOException {
        res = new TestResources(CoapConfig.DEFAULT);
        plain = res.server.bind(TestResources.loopback());
        secure = res.server.open(UdpServerConfig.builder().bindAddress(TestResources.loopback())
                .dtls(DtlsServerConfig.builder().build()), true);
        fingerprint = secure.dtlsCredentials().orElseThrow().fingerprint();
    }

    @AfterEach
    void stop() {
        res.server.close();
    }

    private URI coaps() {
        return URI.create("coaps://127.0.0.1:" + secure.localAddress().getPort());
    }

    private DtlsClientConfig pinned() {
        return DtlsClientConfig.builder(DtlsTrust.pinned(fingerprint)).build();
    }

    @Test
    void getBlockwiseGetPutAndObserveOverOneAssociation() throws Exception {
        try (CoapClient c = CoapClient.connect(coaps(), pinned())) {
            assertEquals(TestResources.HELLO, c.get("/hello").payloadText());
            assertArrayEquals(res.large, c.get("/large").payload(), "5,000 bytes in 1,024-byte blocks");
            String body = "a PUT body sent in Block1 blocks over DTLS; ".repeat(60); // 2,700 bytes
            assertEquals(CoapCode.CHANGED, c.put("/store", body.getBytes(StandardCharsets.UTF_8), 0).code());
            assertEquals(body, res.stored.get());
            assertEquals(CoapCode.NOT_FOUND, c.get("/missing").code());

            List<String> seen = new CopyOnWriteArrayList<>();
            try (CoapObservation o = c.observe("/counter", r -> seen.add(r.payloadText()))) {
                assertTrue(o.isRegistered());
                for (int i = 0; i < 3; i++) {
                    res.tick();
                    Thread.sleep(50);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!seen.contains("[3]") && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            }
            assertEquals(List.of("[0]", "[1]", "[2]", "[3]"), seen);
        }
        DtlsStats stats = secure.dtlsStats().orElseThrow();
        assertEquals(1, stats.handshakesCompleted(), "every request went over the one association");
        assertEquals(0, stats.invalidRecords());
        assertEquals(0, plain.stats().datagramsIn(), "nothing went to the coap:// port");
    }

    @Test
    void theSameResourcesOnCoapAndCoaps() throws Exception {
        try (CoapClient s = CoapClient.connect(coaps(), pinned());
             CoapClient p = CoapClient.connect(URI.create("coap://127.0.0.1:" + plain.localAddress().getPort()),
                     null)) {
            s.put("/store", "written over coaps".getBytes(StandardCharsets.UTF_8), 0);
            assertEquals("written over coaps", p.get("/store").payloadText());
            assertEquals(2, res.server.stats().requests());
        }
    }

    @Test
    void peersOfTheDtlsTransportAreNotHeldToTheAmplificationLimit() throws Exception {
        // A first request of a few bytes: on coap:// the answer would be cut to 3 times its size in small blocks
        // with an Echo option; DTLS proved the address, so the first block is a full one.
        try (DtlsDatagramPipe pipe = DtlsDatagramPipe.connect(secure.localAddress(), pinned())) {
            byte[] get = {0x40, 0x01, 0x12, 0x34, (byte) 0xB5, 'l', 'a', 'r', 'g', 'e'}; // CON GET /large, no token
            pipe.send(ByteBuffer.wrap(get));
            ByteBuffer reply = ByteBuffer.allocate(2048);
            int n = pipe.receive(reply, Duration.ofSeconds(10));
            assertTrue(n > 1024, "a whole 1,024-byte block in the first reply, got " + n + " bytes");
            assertEquals(0x60, reply.get(0) & 0xF0, "a piggy-backed ACK");
            assertEquals(CoapCode.CONTENT, reply.get(1) & 0xFF);
        }
        assertEquals(0, res.server.stats().amplificationLimited());
    }

    @Test
    void aServerWithAnotherCertificateIsRefused() {
        DtlsClientConfig wrong = DtlsClientConfig.builder(DtlsTrust.pinned(
                "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"))
                .handshakeTimeout(Duration.ofSeconds(10)).build();
        assertThrows(SSLException.class, () -> CoapClient.connect(coaps(), wrong));
        assertEquals(0, res.server.stats().requests());
    }

    @Test
    void pipeSemantics() throws Exception {
        DtlsDatagramPipe pipe = DtlsDatagramPipe.connect(secure.localAddress(), pinned());
        assertTrue(pipe.dtlsClient().cipherSuite().startsWith("TLS_ECDHE_ECDSA"), pipe.dtlsClient().cipherSuite());
        assertEquals(-1, pipe.receive(ByteBuffer.allocate(64), Duration.ofMillis(50)), "nothing sent, nothing came");
        // A message larger than one record fails that send with an IOException, as the interface says.
        assertThrows(IOException.class, () -> pipe.send(ByteBuffer.allocate(4000)));
        // A reply longer than the buffer is cut, and the count says what was written.
        pipe.send(ByteBuffer.wrap(new byte[] {0x40, 0x01, 0x00, 0x07, (byte) 0xB5, 'h', 'e', 'l', 'l', 'o'}));
        ByteBuffer small = ByteBuffer.allocate(6);
        assertEquals(6, pipe.receive(small, Duration.ofSeconds(10)));
        assertEquals(0, small.remaining());
        pipe.close();
        pipe.close();
        assertThrows(IOException.class, () -> pipe.receive(ByteBuffer.allocate(64), Duration.ofMillis(50)));
        assertThrows(IOException.class, () -> pipe.send(ByteBuffer.wrap(new byte[] {0x40, 0, 0, 1})));
    }

    @Test
    void uriChecks() {
        assertThrows(IllegalArgumentException.class, () -> CoapClient.connect(coaps(), null),
                "coaps:// needs DTLS settings");
        assertThrows(IllegalArgumentException.class,
                () -> CoapClient.connect(URI.create("coaps://127.0.0.1:5684/hello"), pinned()));
        assertThrows(IllegalArgumentException.class,
                () -> CoapClient.connect(URI.create("http://127.0.0.1:5684"), pinned()));
        assertThrows(IllegalArgumentException.class,
                () -> CoapClient.connect(URI.create("coap://127.0.0.1:5683?x=1"), null));
        assertEquals(new ServerUri(true, new java.net.InetSocketAddress("127.0.0.1", 5684)),
                ServerUri.parse(URI.create("coaps://127.0.0.1")));
        assertEquals(new ServerUri(false, new java.net.InetSocketAddress("::1", 5683)),
                ServerUri.parse(URI.create("COAP://[::1]/")));
    }
}
