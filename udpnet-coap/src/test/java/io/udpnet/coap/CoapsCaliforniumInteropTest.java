package io.udpnet.coap;

import io.udpnet.coap.message.CoapCode;
import io.udpnet.dtls.DtlsClientConfig;
import io.udpnet.dtls.DtlsCredentials;
import io.udpnet.dtls.DtlsServerConfig;
import io.udpnet.dtls.DtlsTrust;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import org.eclipse.californium.core.coap.CoAP;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Eclipse Californium 3.14 with Scandium (its DTLS) in the same JVM, over {@code coaps://} with certificates: its
 * client against the udpnet server on a DTLS UdpServer, and the udpnet client over {@link DtlsDatagramPipe} against
 * a Californium server on a Scandium {@code DTLSConnector}.
 */
class CoapsCaliforniumInteropTest extends CaliforniumInteropTestBase {
    private static Configuration config;

    @BeforeAll
    static void configure() {
        org.eclipse.californium.core.config.CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        config = Configuration.createStandardWithoutFile(); // in memory: no Californium3.properties written
    }

    @Override
    Configuration config() {
        return config;
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
                .setAddress(TestResources.loopback())
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256))
                .set(DtlsConfig.DTLS_CERTIFICATE_TYPES, List.of(CertificateType.X_509))
                .set(DtlsConfig.DTLS_VERIFY_SERVER_CERTIFICATES_SUBJECT, false)
                .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                        .setTrustedCertificates(server.dtlsCredentials().orElseThrow().certificate()).build())
                .build();
        return californium.client("coaps://127.0.0.1:" + server.localAddress().getPort() + path,
                californium.endpoint().setConnector(new DTLSConnector(dtls)).build(), 20_000L);
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
        CaliforniumSide.observesCounter(cfClient(server, "/counter"), res);
    }

    // --- udpnet's client, Californium's server ---

    /** A Californium server on a Scandium connector with a certificate; no client certificate asked for. */
    private InetSocketAddress startCaliforniumServer(DtlsCredentials id) {
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(TestResources.loopback())
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                .set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NONE)
                .set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256))
                .setCertificateIdentityProvider(new SingleCertificateProvider(id.privateKey(), id.chain(),
                        CertificateType.X_509))
                .build();
        return californium.startServer(californium.endpoint().setConnector(new DTLSConnector(dtls)).build(),
                "Hello from Californium over DTLS");
    }

    @Test
    void udpnetClientTalksToCaliforniumServerOverDtls() throws Exception {
        DtlsCredentials id = DtlsCredentials.selfSigned("californium");
        InetSocketAddress addr = startCaliforniumServer(id);
        DtlsClientConfig trust = DtlsClientConfig.builder(DtlsTrust.pinned(id.fingerprint())).build();
        try (CoapClient c = CoapClient.connect(URI.create("coaps://127.0.0.1:" + addr.getPort()), trust)) {
            CoapResponse hello = c.get("/hello");
            assertEquals(CoapCode.CONTENT, hello.code());
            assertEquals("Hello from Californium over DTLS", hello.payloadText());
            assertEquals(CoapCode.NOT_FOUND, c.get("/none").code());
            assertArrayEquals(californium.large, c.get("/large").payload(), "block-wise GET re-assembled");
            californium.observedBy(c);
        }
    }
}
