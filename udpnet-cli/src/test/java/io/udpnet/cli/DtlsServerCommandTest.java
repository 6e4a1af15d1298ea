package io.udpnet.cli;

import io.udpnet.cli.ChatCommandsTest.Run;
import io.udpnet.dtls.DtlsClient;
import io.udpnet.dtls.DtlsClientConfig;
import io.udpnet.dtls.DtlsCredentials;
import io.udpnet.dtls.DtlsTrust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(90)
class DtlsServerCommandTest {
    private static final Pattern FINGERPRINT = Pattern.compile("SHA-256 fingerprint ([0-9A-F:]{95})");

    private static int exit(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void badDtlsArgumentsExitWithTwo(@TempDir Path dir) throws Exception {
        String[][] cases = {
                {"server", "--dtls", "--max-datagram", "1300"},
                {"server", "--raw", "--cert", "c.pem", "--key", "k.pem"},
                {"server", "--raw", "--dtls", "--cert", dir.resolve("none.pem").toString(), "--key",
                        dir.resolve("none.pem").toString()},
                {"server", "--raw", "--dtls", "--cert", "c.pem"},
                {"server", "--raw", "--dtls", "--pkcs12", "a.p12", "--cert", "c.pem", "--key", "k.pem"},
                {"server", "--raw", "--dtls", "--password", "x"},
                {"server", "--raw", "--dtls", "--max-datagram", "100"},
        };
        for (String[] args : cases) {
            StringWriter err = new StringWriter();
            assertEquals(2, exit(err, args), String.join(" ", args) + ": " + err);
            assertTrue(err.toString().contains("Try 'udpnet server --help'"), err.toString());
        }
        StringWriter err = new StringWriter();
        exit(err, "server", "--raw", "--dtls", "--cert", dir.resolve("none.pem").toString(), "--key", "k.pem");
        assertTrue(err.toString().contains("none.pem"), err.toString());
    }

    @Test
    void helpDescribesDtls() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("server", "--help"));
        assertTrue(out.toString().contains("--dtls") && out.toString().contains("--pkcs12")
                && out.toString().contains("openssl s_client -dtls1_2"), out.toString());
    }

    @Test
    void aSelfSignedDtlsEchoServerPrintsItsFingerprintAndEchoes() throws Exception {
        int port = ChatCommandsTest.freePort();
        Run server = new Run(Main.commandLine(), "server", "--raw", "--dtls", "--bind", "127.0.0.1:" + port,
                "--json");
        server.await("the server", () -> server.err.toString().contains("DTLS echo server on"));
        Matcher m = FINGERPRINT.matcher(server.err.toString());
        assertTrue(m.find() && server.err.toString().contains("self-signed"), server.err.toString());
        DtlsClientConfig config = DtlsClientConfig.builder(DtlsTrust.pinned(m.group(1))).build();
        try (DtlsClient c = DtlsClient.connect(new InetSocketAddress("127.0.0.1", port), config)) {
            c.send(ByteBuffer.wrap("secret".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(100);
            int n = c.receive(buf, Duration.ofSeconds(10));
            assertEquals("secret", new String(buf.array(), 0, Math.max(n, 0), StandardCharsets.US_ASCII));
        }
        server.thread.interrupt();
        assertEquals(0, server.exit.get(30, TimeUnit.SECONDS));
        assertTrue(server.out().contains("\"dtls\":true") && server.out().contains("\"handshakesCompleted\":1"),
                server.out());
    }

    @Test
    void pemFilesAreServedAndOpensslGetsItsDataEchoed(@TempDir Path dir) throws Exception {
        DtlsCredentials id = DtlsCredentials.selfSigned("localhost");
        Path cert = Files.writeString(dir.resolve("cert.pem"), id.certificatePem());
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(id.privateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        int port = ChatCommandsTest.freePort();
        Run server = new Run(Main.commandLine(), "server", "--raw", "--dtls", "--bind", "127.0.0.1:" + port,
                "--cert", cert.toString(), "--key", key.toString());
        server.await("the server", () -> server.out().contains("DTLS echo server on"));
        assertTrue(server.err.toString().contains(id.fingerprint())
                && !server.err.toString().contains("self-signed"), server.err.toString());
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed; s_client part skipped");
        Process p = new ProcessBuilder("/usr/bin/openssl", "s_client", "-dtls1_2", "-quiet", "-connect",
                "127.0.0.1:" + port).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            StringBuffer seen = new StringBuffer();
            Thread reader = Thread.ofVirtual().start(() -> {
                byte[] b = new byte[1024];
                try {
                    int n;
                    while ((n = p.getInputStream().read(b)) > 0) {
                        seen.append(new String(b, 0, n, StandardCharsets.US_ASCII));
                    }
                } catch (java.io.IOException e) {
                    // process ended
                }
            });
            OutputStream in = p.getOutputStream();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!seen.toString().contains("over dtls") && System.nanoTime() < deadline) {
                in.write("over dtls\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
                Thread.sleep(300);
            }
            assertTrue(seen.toString().contains("over dtls"), "openssl printed: " + seen);
            reader.interrupt();
        } finally {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        server.thread.interrupt();
        assertEquals(0, server.exit.get(30, TimeUnit.SECONDS));
        assertTrue(server.out().contains("server stopped"), server.out());
    }
}
