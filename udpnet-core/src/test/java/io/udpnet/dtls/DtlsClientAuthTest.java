package io.udpnet.dtls;

import io.udpnet.io.ServerMode;
import io.udpnet.transport.DatagramSession;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client certificates: required, wanted, trusted or not; and the client's CA-based trust with host names. */
class DtlsClientAuthTest {
    private static final DtlsCredentials CLIENT = DtlsCredentials.selfSigned("client-a");
    private static final DtlsCredentials STRANGER = DtlsCredentials.selfSigned("client-b");

    private static UdpServer server(ClientAuth auth) throws IOException {
        return UdpServer.open(UdpServerConfig.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .mode(ServerMode.SHARED)
                .dtls(DtlsServerConfig.builder().clientAuth(auth, DtlsTrust.certificates(CLIENT.certificate()))
                        .retransmitTimeouts(Duration.ofMillis(200), Duration.ofSeconds(1)).build())
                .build());
    }

    private static DtlsClientConfig client(UdpServer server, DtlsCredentials id) {
        return DtlsClientConfig.builder(DtlsTrust.pinned(server.dtlsCredentials().orElseThrow().fingerprint()))
                .credentials(id).handshakeTimeout(Duration.ofSeconds(3))
                .retransmitTimeouts(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
    }

    @Test
    void aRequiredCertificateMustBePresentAndTrusted() throws Exception {
        try (UdpServer server = server(ClientAuth.NEED)) {
            try (DtlsClient c = DtlsClient.connect(server.localAddress(), client(server, CLIENT))) {
                DatagramSession s = server.accept(Duration.ofSeconds(5));
                X509Certificate peer = (X509Certificate) s.peerCertificates()[0];
                assertEquals(CLIENT.certificate(), peer);
                assertTrue(c.isOpen());
            }
            assertThrows(IOException.class, () -> DtlsClient.connect(server.localAddress(), client(server, null)));
            assertThrows(IOException.class,
                    () -> DtlsClient.connect(server.localAddress(), client(server, STRANGER)));
            assertEquals(0, server.sessionCount());
        }
    }

    @Test
    void aWantedCertificateMayBeAbsent() throws Exception {
        try (UdpServer server = server(ClientAuth.WANT);
             DtlsClient c = DtlsClient.connect(server.localAddress(), client(server, null))) {
            DatagramSession s = server.accept(Duration.ofSeconds(5));
            assertEquals(0, s.peerCertificates().length);
        }
    }

    @Test
    void caBasedTrustChecksTheServersName() throws Exception {
        DtlsCredentials id = DtlsCredentials.selfSigned("localhost");
        try (UdpServer server = UdpServer.open(UdpServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .dtls(DtlsServerConfig.builder().credentials(id).build()).build())) {
            DtlsClientConfig.Builder b = DtlsClientConfig.builder(DtlsTrust.certificates(id.certificate()))
                    .handshakeTimeout(Duration.ofSeconds(3));
            try (DtlsClient c = DtlsClient.connect(server.localAddress(), b.serverName("localhost").build())) {
                assertTrue(c.isOpen());
            }
            SSLException e = assertThrows(SSLException.class,
                    () -> DtlsClient.connect(server.localAddress(), b.serverName("example.org").build()));
            assertTrue(e.getMessage() != null, String.valueOf(e));
        }
    }
}
