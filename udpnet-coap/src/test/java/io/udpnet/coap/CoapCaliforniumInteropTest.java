package io.udpnet.coap;

import io.udpnet.transport.UdpServer;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eclipse Californium 3.14 in the same JVM: its client against the udpnet server, and the udpnet client against its
 * server.
 */
@Timeout(60)
class CoapCaliforniumInteropTest {
    private static Configuration config;
    private TestResources res;
    private org.eclipse.californium.core.CoapServer cfServer;
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void configure() {
        CoapConfig.register();
        UdpConfig.register();
        // Built in memory, so Californium writes no Californium3.properties into the working directory.
        config = Configuration.createStandardWithoutFile();
        Configuration.setStandard(config);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (res != null) {
            res.server.close();
        }
        if (cfServer != null) {
            cfServer.destroy();
        }
    }

    private String startUdpnetServer() throws Exception {
        res = new TestResources(io.udpnet.coap.CoapConfig.DEFAULT);
        UdpServer udp = res.server.bind(TestResources.loopback());
        return "coap://127.0.0.1:" + udp.localAddress().getPort();
    }

    private org.eclipse.californium.core.CoapClient cfClient(String uri) {
        CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
        org.eclipse.californium.core.CoapClient c = new org.eclipse.californium.core.CoapClient(uri);
        c.setEndpoint(ep);
        c.setTimeout(10_000L);
        toClose.add(() -> {
            c.shutdown();
            ep.destroy();
        });
        return c;
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
        List<String> seen = new CopyOnWriteArrayList<>();
        CoapObserveRelation rel = cfClient(base + "/counter").observeAndWait(new CoapHandler() {
            @Override
            public void onLoad(org.eclipse.californium.core.CoapResponse response) {
                seen.add(response.getResponseText());
            }

            @Override
            public void onError() {
                seen.add("error");
            }
        });
        assertTrue(!rel.isCanceled(), "registered");
        for (int i = 0; i < 3; i++) {
            res.tick();
            Thread.sleep(100);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!seen.contains("[3]") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(seen.containsAll(List.of("[0]", "[1]", "[2]", "[3]")), seen.toString());
        rel.proactiveCancel();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (res.server.stats().observers() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, res.server.stats().observers(), "deregistered");
    }

    /** A Californium server with text, a 5000-byte resource (block-wise by Californium) and an observable one. */
    private InetSocketAddress startCaliforniumServer(byte[] large, AtomicInteger value,
                                                     org.eclipse.californium.core.CoapResource[] observable) {
        cfServer = new org.eclipse.californium.core.CoapServer(config);
        CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build();
        cfServer.addEndpoint(ep);
        cfServer.add(new org.eclipse.californium.core.CoapResource("hello") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond("Hello from Californium");
            }

            @Override
            public void handlePUT(CoapExchange exchange) {
                exchange.respond(CoAP.ResponseCode.CHANGED, "got " + exchange.getRequestText());
            }
        });
        cfServer.add(new org.eclipse.californium.core.CoapResource("large") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond(CoAP.ResponseCode.CONTENT, large, MediaTypeRegistry.APPLICATION_OCTET_STREAM);
            }
        });
        org.eclipse.californium.core.CoapResource obs = new org.eclipse.californium.core.CoapResource("obs") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond("v" + value.get());
            }
        };
        obs.setObservable(true);
        obs.getAttributes().setObservable();
        cfServer.add(obs);
        observable[0] = obs;
        cfServer.start();
        return ep.getAddress();
    }

    @Test
    void udpnetClientTalksToCaliforniumServer() throws Exception {
        byte[] large = TestResources.largeBody(5000);
        AtomicInteger value = new AtomicInteger();
        org.eclipse.californium.core.CoapResource[] obs = new org.eclipse.californium.core.CoapResource[1];
        InetSocketAddress addr = startCaliforniumServer(large, value, obs);
        try (CoapClient c = CoapClient.connect(addr)) {
            CoapResponse hello = c.get("/hello");
            assertEquals(io.udpnet.coap.message.CoapCode.CONTENT, hello.code());
            assertEquals("Hello from Californium", hello.payloadText());
            CoapResponse put = c.put("/hello", "x".getBytes(StandardCharsets.UTF_8), 0);
            assertEquals(io.udpnet.coap.message.CoapCode.CHANGED, put.code());
            assertEquals("got x", put.payloadText());
            assertEquals(io.udpnet.coap.message.CoapCode.NOT_FOUND, c.get("/none").code());
            assertArrayEquals(large, c.get("/large").payload(), "block-wise GET re-assembled");
            assertTrue(c.get("/.well-known/core").payloadText().contains("</obs>"));

            List<String> seen = new CopyOnWriteArrayList<>();
            CoapObservation o = c.observe("/obs", r -> seen.add(r.payloadText()));
            assertTrue(o.isRegistered());
            for (int i = 1; i <= 3; i++) {
                value.set(i);
                obs[0].changed();
                Thread.sleep(100);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!seen.contains("v3") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of("v0", "v1", "v2", "v3"), seen);
            o.cancel();
            assertEquals(0, obs[0].getObserverCount(), "deregistered at Californium");
        }
    }
}
