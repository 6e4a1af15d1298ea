package io.udpnet.dtls;

import io.udpnet.io.ServerMode;
import io.udpnet.transport.UdpServer;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Eclipse Californium's DTLS (Scandium 3.14.0) as a client of udpnet's DTLS server: handshake and echo. */
class DtlsScandiumInteropTest {

    @Test
    void scandiumClientGetsItsDataEchoed() throws Exception {
        DtlsConfig.register();
        try (UdpServer server = DtlsEchoServers.open(ServerMode.SHARED, DtlsServerConfig.builder().build())) {
            Configuration cfg = Configuration.createStandardWithoutFile();
            DtlsConnectorConfig.Builder b = DtlsConnectorConfig.builder(cfg)
                    .setAddress(new InetSocketAddress("127.0.0.1", 0))
                    .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                    .set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256))
                    .set(DtlsConfig.DTLS_CERTIFICATE_TYPES, List.of(CertificateType.X_509))
                    .set(DtlsConfig.DTLS_VERIFY_SERVER_CERTIFICATES_SUBJECT, false)
                    .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                            .setTrustedCertificates(server.dtlsCredentials().orElseThrow().certificate()).build());
            DTLSConnector connector = new DTLSConnector(b.build());
            BlockingQueue<String> received = new ArrayBlockingQueue<>(16);
            connector.setRawDataReceiver(raw -> received.offer(new String(raw.getBytes(), StandardCharsets.UTF_8)));
            connector.start();
            try {
                AddressEndpointContext target = new AddressEndpointContext(server.localAddress());
                connector.send(RawData.outbound("hello from scandium".getBytes(StandardCharsets.UTF_8), target,
                        null, false));
                assertEquals("hello from scandium", received.poll(20, TimeUnit.SECONDS));
                connector.send(RawData.outbound("again".getBytes(StandardCharsets.UTF_8), target, null, false));
                assertEquals("again", received.poll(10, TimeUnit.SECONDS));
                assertEquals(1, server.dtlsStats().orElseThrow().handshakesCompleted());
            } finally {
                connector.destroy();
            }
        }
    }
}
