package io.udpnet.dtls;

import io.udpnet.io.ServerMode;
import io.udpnet.transport.UdpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** udpnet's DTLS server and client against OpenSSL's, on loopback. */
class DtlsOpenSslInteropTest {

    @Test
    void opensslClientHandshakesWithTheServerAndGetsItsDataEchoed() throws Exception {
        OpenSsl.assumePresent();
        try (UdpServer server = DtlsEchoServers.open(ServerMode.SHARED, DtlsServerConfig.builder().build())) {
            Process p = new ProcessBuilder(OpenSsl.BINARY, "s_client", "-dtls1_2", "-quiet",
                    "-connect", "127.0.0.1:" + server.localAddress().getPort())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                OpenSsl.Output out = new OpenSsl.Output(p.getInputStream());
                OutputStream in = p.getOutputStream();
                boolean echoed = false;
                // s_client reads stdin only once connected: send until the echo comes back.
                for (int i = 0; i < 20 && !echoed; i++) {
                    in.write("hello from openssl\n".getBytes(StandardCharsets.US_ASCII));
                    in.flush();
                    echoed = out.await("hello from openssl", Duration.ofMillis(500));
                }
                assertTrue(echoed, "no echo; openssl printed: " + out.text());
                assertEquals(1, server.sessionCount());
                DtlsStats s = server.dtlsStats().orElseThrow();
                assertEquals(1, s.handshakesCompleted(), s.toString());
            } finally {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    @Test
    void theClientTalksToAnOpensslServer(@TempDir Path dir) throws Exception {
        OpenSsl.assumePresent();
        OpenSsl.run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost");
        // s_server binds a port picked here; another process may take it first, so a refused bind picks again.
        Process p = null;
        OpenSsl.Output out = null;
        int port = 0;
        for (int attempt = 0; attempt < 5 && out == null; attempt++) {
            try (DatagramSocket probe = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            p = new ProcessBuilder(OpenSsl.BINARY, "s_server", "-dtls1_2", "-accept", "127.0.0.1:" + port,
                    "-cert", "cert.pem", "-key", "key.pem")
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            OpenSsl.Output o = new OpenSsl.Output(p.getInputStream());
            if (o.await("ACCEPT", Duration.ofSeconds(10))) {
                out = o;
            } else {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
        assertTrue(out != null, "openssl s_server did not start");
        try {
            String pin = DtlsCredentials.fingerprint(DtlsCredentials.readCertificates(dir.resolve("cert.pem"))[0]);
            DtlsClientConfig config = DtlsClientConfig.builder(DtlsTrust.pinned(pin))
                    .handshakeTimeout(Duration.ofSeconds(10))
                    .retransmitTimeouts(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
            DtlsClient client = DtlsClient.connect(new InetSocketAddress("127.0.0.1", port), config);
            assertTrue(client != null, "no handshake with openssl s_server: " + out.text());
            try (DtlsClient c = client) {
                c.send(java.nio.ByteBuffer.wrap("hello openssl\n".getBytes(StandardCharsets.US_ASCII)));
                assertTrue(out.await("hello openssl", Duration.ofSeconds(10)), "s_server printed: " + out.text());
                // s_server sends its stdin lines to the client.
                p.getOutputStream().write("hello udpnet\n".getBytes(StandardCharsets.US_ASCII));
                p.getOutputStream().flush();
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(2048);
                int n = c.receive(buf, Duration.ofSeconds(10));
                assertTrue(n > 0, "nothing from s_server");
                assertEquals("hello udpnet\n", new String(buf.array(), 0, n, StandardCharsets.US_ASCII));
            }
        } finally {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
