package io.udpnet.coap;

import io.udpnet.coap.message.CoapCode;
import io.udpnet.dtls.DtlsClientConfig;
import io.udpnet.dtls.DtlsCredentials;
import io.udpnet.dtls.DtlsServerConfig;
import io.udpnet.dtls.DtlsTrust;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eclipse Californium 3.14 with Scandium (its DTLS) in the same JVM, over {@code coaps://} with certificates: its
 * client against the udpnet server on a DTLS UdpServer, and the udpnet client over {@link DtlsDatagramPipe} against
 * a Californium server on a Scandium {@code DTLSConnector}.
 */
@Timeout(60)
class CoapsCaliforniumInteropTest {
    private static Configuration config;
    private TestResources res;
    private org.eclipse.californium.core.CoapServer cfServer;
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void configure() {
        org.eclipse.californium.core.config.CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        config = Configuration.createStandardWithoutFile(); // in memory: no Californium3.properties written
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

    // --- Californium's client, udpnet's server ---

    private UdpServer startUdpnetServer() throws Exception {
        res = new TestResources(io.udpnet.coap.CoapConfig.DEFAULT);
        return res.server.open(UdpServerConfig.builder().bindAddress(TestResources.loopback())
                .dtls(DtlsServerConfig.builder().build()), true);
    }

    /** A Californium client whose endpoint is a Scandium connector trusting exactly the server's certificate. */
    private org.eclipse.californium.core.CoapClient cfClient(UdpServer server, String path) {
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256))
                .set(DtlsConfig.DTLS_CERTIFICATE_TYPES, List.of(CertificateType.X_509))
                .set(DtlsConfig.DTLS_VERIFY_SERVER_CERTIFICATES_SUBJECT, false)
                .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                        .setTrustedCertificates(server.dtlsCredentials().orElseThrow().certificate()).build())
                .build();
        CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(config)
                .setConnector(new DTLSConnector(dtls)).build();
        org.eclipse.californium.core.CoapClient c = new org.eclipse.californium.core.CoapClient(
                "coaps://127.0.0.1:" + server.localAddress().getPort() + path);
        c.setEndpoint(ep);
        c.setTimeout(20_000L);
        toClose.add(() -> {
            c.shutdown();
            ep.destroy();
        });
        return c;
    }

    @Test
    void californiumClientGetsFromUdpnetServerOverDtls() throws Exception {
        UdpServer server = startUdpnetServer();
        org.eclipse.californium.core.CoapResponse r = cfClient(server, "/hello").get();
        assertNotNull(r, "a response");
        assertEquals(CoAP.ResponseCode.CONTENT, r.getCode());
        assertEquals(TestResources.HELLO, r.getResponseText());
        org.eclipse.californium.core.CoapResponse large = cfClient(server, "/large").get();
        assertNotNull(large, "a response");
        assertArrayEquals(res.large, large.getPayload(), "block-wise, re-assembled by Californium");
        assertEquals(2, server.dtlsStats().orElseThrow().handshakesCompleted(), "one association per client");
        assertEquals(0, res.server.stats().amplificationLimited(), "DTLS peers get full-size blocks");
    }

    @Test
    void californiumClientObservesCounterOverDtls() throws Exception {
        UdpServer server = startUdpnetServer();
        List<String> seen = new CopyOnWriteArrayList<>();
        CoapObserveRelation rel = cfClient(server, "/counter").observeAndWait(new CoapHandler() {
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

    // --- udpnet's client, Californium's server ---

    /** A Californium server on a Scandium connector with a certificate; no client certificate asked for. */
    private InetSocketAddress startCaliforniumServer(DtlsCredentials id, byte[] large, AtomicInteger value,
                                                     org.eclipse.californium.core.CoapResource[] observable) {
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                .set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NONE)
                .set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256))
                .setCertificateIdentityProvider(new SingleCertificateProvider(id.privateKey(), id.chain(),
                        CertificateType.X_509))
                .build();
        cfServer = new org.eclipse.californium.core.CoapServer(config);
        CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(config)
                .setConnector(new DTLSConnector(dtls)).build();
        cfServer.addEndpoint(ep);
        cfServer.add(new org.eclipse.californium.core.CoapResource("hello") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond("Hello from Californium over DTLS");
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
    void udpnetClientTalksToCaliforniumServerOverDtls() throws Exception {
        DtlsCredentials id = DtlsCredentials.selfSigned("californium");
        byte[] large = TestResources.largeBody(5000);
        AtomicInteger value = new AtomicInteger();
        org.eclipse.californium.core.CoapResource[] obs = new org.eclipse.californium.core.CoapResource[1];
        InetSocketAddress addr = startCaliforniumServer(id, large, value, obs);
        DtlsClientConfig trust = DtlsClientConfig.builder(DtlsTrust.pinned(id.fingerprint())).build();
        try (CoapClient c = CoapClient.connect(URI.create("coaps://127.0.0.1:" + addr.getPort()), trust)) {
            CoapResponse hello = c.get("/hello");
            assertEquals(CoapCode.CONTENT, hello.code());
            assertEquals("Hello from Californium over DTLS", hello.payloadText());
            assertEquals(CoapCode.NOT_FOUND, c.get("/none").code());
            assertArrayEquals(large, c.get("/large").payload(), "block-wise GET re-assembled");

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
