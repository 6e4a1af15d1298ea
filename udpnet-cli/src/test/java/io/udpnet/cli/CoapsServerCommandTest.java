package io.udpnet.cli;

import io.udpnet.cli.ChatCommandsTest.Run;
import io.udpnet.coap.CoapClient;
import io.udpnet.coap.CoapObservation;
import io.udpnet.dtls.DtlsClientConfig;
import io.udpnet.dtls.DtlsCredentials;
import io.udpnet.dtls.DtlsTrust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code coap-server}'s {@code coaps://} port: PORT+1, self-signed or from files, off with --no-dtls. */
@Timeout(60)
class CoapsServerCommandTest {
    private static final Pattern FINGERPRINT = Pattern.compile("SHA-256 fingerprint ([0-9A-F:]{95})");

    @Test
    void servesTheSameResourcesOnCoapsAtPortPlusOneWithASelfSignedCertificate() throws Exception {
        int port = CoapServerCommandTest.freePortPair();
        Run server = new Run(Main.commandLine(), "coap-server", "--bind", "127.0.0.1:" + port);
        server.await("the server", () -> server.out().contains("CoAP server on"));
        assertTrue(server.out().startsWith("udpnet CoAP server on coap://127.0.0.1:" + port + " and coaps://127.0.0.1:"
                + (port + 1)), server.out());
        Matcher m = FINGERPRINT.matcher(server.err.toString());
        assertTrue(m.find() && server.err.toString().contains("self-signed"), server.err.toString());
        DtlsClientConfig trust = DtlsClientConfig.builder(DtlsTrust.pinned(m.group(1))).build();
        try (CoapClient c = CoapClient.connect(URI.create("coaps://127.0.0.1:" + (port + 1)), trust)) {
            assertEquals("Hello from udpnet", c.get("/hello").payloadText());
            assertArrayEquals(CoapServerCommand.LARGE, c.get("/large").payload());
            List<Long> values = new CopyOnWriteArrayList<>();
            try (CoapObservation o = c.observe("/counter", r -> values.add(Long.parseLong(r.payloadText())))) {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (values.size() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(o.isRegistered());
            }
            assertTrue(values.size() >= 2 && values.get(1) > values.get(0), values.toString());
        }
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
        assertTrue(server.out().contains(", 1 DTLS handshakes completed"), server.out());
    }

    @Test
    void pemFilesGiveTheCertificate(@TempDir Path dir) throws Exception {
        DtlsCredentials id = DtlsCredentials.selfSigned("localhost");
        Path cert = Files.writeString(dir.resolve("cert.pem"), id.certificatePem());
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(id.privateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        int port = CoapServerCommandTest.freePortPair();
        Run server = new Run(Main.commandLine(), "coap-server", "--bind", "127.0.0.1:" + port,
                "--cert", cert.toString(), "--key", key.toString(), "--duration", "30");
        server.await("the server", () -> server.out().contains("CoAP server on"));
        assertTrue(server.err.toString().contains(id.fingerprint())
                && !server.err.toString().contains("self-signed"), server.err.toString());
        DtlsClientConfig trust = DtlsClientConfig.builder(DtlsTrust.certificates(id.certificate()))
                .serverName("localhost").build();
        try (CoapClient c = CoapClient.connect(URI.create("coaps://127.0.0.1:" + (port + 1)), trust)) {
            assertEquals("Hello from udpnet", c.get("/hello").payloadText());
        }
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
    }

    @Test
    void portZeroLetsTheSystemPickBothPorts() throws Exception {
        Run server = new Run(Main.commandLine(), "coap-server", "--bind", "127.0.0.1:0");
        server.await("the server", () -> server.out().contains("CoAP server on"));
        Matcher m = Pattern.compile("on coap://127\\.0\\.0\\.1:(\\d+) and coaps://127\\.0\\.0\\.1:(\\d+);")
                .matcher(server.out());
        assertTrue(m.find(), server.out());
        int plain = Integer.parseInt(m.group(1));
        int secure = Integer.parseInt(m.group(2));
        assertTrue(plain > 0 && secure > 0 && plain != secure, server.out());
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
    }

    @Test
    void noDtlsServesCoapOnly() throws Exception {
        int port = CoapServerCommandTest.freePortPair();
        Run server = new Run(Main.commandLine(), "coap-server", "--bind", "127.0.0.1:" + port, "--no-dtls");
        server.await("the server", () -> server.out().contains("CoAP server on"));
        assertFalse(server.out().contains("coaps"), server.out());
        assertFalse(server.err.toString().contains("fingerprint"), server.err.toString());
        try (DatagramSocket free = new DatagramSocket(new InetSocketAddress("127.0.0.1", port + 1))) {
            assertTrue(free.isBound(), "PORT+1 is left alone");
        }
        try (CoapClient c = CoapClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals("Hello from udpnet", c.get("/hello").payloadText());
        }
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
        assertFalse(server.out().contains("DTLS handshakes"), server.out());
    }

    @Test
    void badDtlsArgumentsExitTwoAndATakenCoapsPortExitsOne(@TempDir Path dir) throws Exception {
        String[][] bad = {
                {"coap-server", "--cert", "c.pem"},
                {"coap-server", "--key", "k.pem"},
                {"coap-server", "--password", "x"},
                {"coap-server", "--pkcs12", "a.p12", "--cert", "c.pem", "--key", "k.pem"},
                {"coap-server", "--no-dtls", "--pkcs12", "a.p12"},
                {"coap-server", "--cert", dir.resolve("none.pem").toString(), "--key", dir.resolve("k.pem").toString()},
                {"coap-server", "--bind", "127.0.0.1:65535"},
        };
        for (String[] args : bad) {
            Run r = new Run(Main.commandLine(), args);
            assertEquals(2, r.exit.join(), String.join(" ", args) + ": " + r.err);
            assertFalse(r.err.toString().isBlank(), String.join(" ", args));
        }
        int port = CoapServerCommandTest.freePortPair();
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", port + 1))) {
            Run busy = new Run(Main.commandLine(), "coap-server", "--bind", "127.0.0.1:" + port);
            assertEquals(1, busy.exit.join());
            assertTrue(busy.err.toString().contains("cannot listen on 127.0.0.1:" + (port + 1)), busy.err.toString());
        }
        // The coap:// port of the failed start was released with it.
        try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            assertTrue(again.isBound());
        }
    }
}
