package io.udpnet.coap;

import io.udpnet.transport.UdpServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eclipse Californium 3.14 in the same JVM: its client against the udpnet server, and the udpnet client against its
 * server.
 */
class CoapCaliforniumInteropTest extends CaliforniumInteropTestBase {
    private static Configuration config;

    @BeforeAll
    static void configure() {
        CoapConfig.register();
        UdpConfig.register();
        // Built in memory, so Californium writes no Californium3.properties into the working directory.
        config = Configuration.createStandardWithoutFile();
        Configuration.setStandard(config);
    }

    @Override
    Configuration config() {
        return config;
    }

    private String startUdpnetServer() throws Exception {
        res = new TestResources(io.udpnet.coap.CoapConfig.DEFAULT);
        UdpServer udp = res.server.bind(TestResources.loopback());
        return "coap://127.0.0.1:" + udp.localAddress().getPort();
    }

    /** A Californium endpoint on an ephemeral loopback port. */
    private CoapEndpoint endpoint() {
        return californium.endpoint().setInetSocketAddress(TestResources.loopback()).build();
    }

    private org.eclipse.californium.core.CoapClient cfClient(String uri) {
        return californium.client(uri, endpoint(), 10_000L);
    }

    @Test
    void californiumClientGetsFromUdpnetServer() throws Exception {
        String base = startUdpnetServer();
        org.eclipse.californium.core.CoapResponse r = cfClient(base + "/hello").get();
        assertNotNull(r, "a response");
        assertEquals(CoAP.ResponseCode.CONTENT, r.getCode());
        assertEquals(TestResources.HELLO, r.getResponseText());
        assertEquals(MediaTypeRegistry.TEXT_PLAIN, r.getOptions().getContentFormat());
        org.eclipse.californium.core.CoapResponse missing = cfClient(base + "/missing").get();
        assertEquals(CoAP.ResponseCode.NOT_FOUND, missing.getCode());
        org.eclipse.californium.core.CoapResponse put = cfClient(base + "/store")
                .put("from californium", MediaTypeRegistry.TEXT_PLAIN);
        assertEquals(CoAP.ResponseCode.CHANGED, put.getCode());
        assertEquals("from californium", res.stored.get());
        String big = "Californium sends this in Block1 blocks. ".repeat(75); // 3,075 bytes
        org.eclipse.californium.core.CoapResponse bigPut = cfClient(base + "/store")
                .put(big, MediaTypeRegistry.TEXT_PLAIN);
        assertEquals(CoAP.ResponseCode.CHANGED, bigPut.getCode());
        assertEquals(big, res.stored.get());
    }

    @Test
    void californiumClientFetchesLargeResourceBlockwise() throws Exception {
        String base = startUdpnetServer();
        org.eclipse.californium.core.CoapResponse r = cfClient(base + "/large").get();
        assertNotNull(r, "a response");
        assertArrayEquals(res.large, r.getPayload());
    }

    @Test
    void californiumClientObservesCounter() throws Exception {
        String base = startUdpnetServer();
        CaliforniumSide.observesCounter(cfClient(base + "/counter"), res);
    }

    @Test
    void udpnetClientTalksToCaliforniumServer() throws Exception {
        InetSocketAddress addr = californium.startServer(endpoint(), "Hello from Californium");
        try (CoapClient c = CoapClient.connect(addr)) {
            CoapResponse hello = c.get("/hello");
            assertEquals(io.udpnet.coap.message.CoapCode.CONTENT, hello.code());
            assertEquals("Hello from Californium", hello.payloadText());
            CoapResponse put = c.put("/hello", "x".getBytes(StandardCharsets.UTF_8), 0);
            assertEquals(io.udpnet.coap.message.CoapCode.CHANGED, put.code());
            assertEquals("got x", put.payloadText());
            assertEquals(io.udpnet.coap.message.CoapCode.NOT_FOUND, c.get("/none").code());
            assertArrayEquals(californium.large, c.get("/large").payload(), "block-wise GET re-assembled");
            assertTrue(c.get("/.well-known/core").payloadText().contains("</obs>"));
            californium.observedBy(c);
        }
    }
}
