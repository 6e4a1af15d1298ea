package io.udpnet.coap;

import io.udpnet.dtls.DtlsCredentials;
import io.udpnet.dtls.DtlsServerConfig;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * libcoap's coap-client (Debian libcoap3-bin, built with OpenSSL or GnuTLS) against the udpnet server over
 * {@code coaps://}, with certificates (the JDK has no PSK); the client is given the server's self-signed certificate
 * as its trusted root ({@code -R}). libcoap logs warnings on standard output, so payloads are read from the file
 * {@code -o} writes.
 */
@Timeout(120)
class CoapsLibcoapInteropTest {
    private TestResources res;
    private UdpServer secure;
    private String base;
    private Path trusted;
    private Path output;

    @BeforeEach
    void start(@TempDir Path dir) throws IOException {
        output = dir.resolve("payload");
        DtlsCredentials id = DtlsCredentials.selfSigned("localhost");
        trusted = Files.writeString(dir.resolve("server.pem"), id.certificatePem());
        res = new TestResources(CoapConfig.DEFAULT);
        secure = res.server.open(UdpServerConfig.builder().bindAddress(TestResources.loopback())
                .dtls(DtlsServerConfig.builder().credentials(id).build()), true);
        base = "coaps://127.0.0.1:" + secure.localAddress().getPort();
    }

    @AfterEach
    void stop() {
        res.server.close();
    }

    /** The variant's path, or the test is skipped saying why: not installed, or built without DTLS/PKI. */
    private static String coapClient(String variant) throws Exception {
        Path exe = Path.of("/usr/bin/coap-client-" + variant);
        assumeTrue(Files.isExecutable(exe), exe + " is not installed (Debian package libcoap3-bin)");
        // The usage text names the TLS library and what it supports, e.g. "(DTLS and TLS support; PSK, PKI, ...)".
        Process p = new ProcessBuilder(exe.toString(), "-h").redirectErrorStream(true).start();
        String usage = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        assumeTrue(usage.contains("DTLS and TLS support") && usage.contains("PKI"),
                exe + " has no DTLS with certificates: " + usage.lines().filter(l -> l.contains("support"))
                        .findFirst().orElse("(no support line in its usage text)"));
        return exe.toString();
    }

    private static Result run(String variant, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(coapClient(variant));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = Thread.ofVirtual().start(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "coap-client did not finish");
        errReader.join(5000);
        return new Result(p.exitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int exit, byte[] out, String err) {
    }

    /** Runs coap-client with the server's certificate as trusted root and returns what it wrote with -o. */
    private byte[] fetch(String variant, String... args) throws Exception {
        Files.deleteIfExists(output);
        List<String> all = new ArrayList<>(List.of("-R", trusted.toString(), "-B", "30", "-o", output.toString()));
        all.addAll(Arrays.asList(args));
        Result r = run(variant, all.toArray(String[]::new));
        String log = new String(r.out(), StandardCharsets.UTF_8) + r.err();
        assertEquals(0, r.exit(), "coap-client exit code; its log: " + log);
        assertTrue(Files.exists(output), "coap-client wrote no payload; its log: " + log);
        return Files.readAllBytes(output);
    }

    private String fetchText(String variant, String... args) throws Exception {
        return new String(fetch(variant, args), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "gnutls"})
    void getHello(String variant) throws Exception {
        assertEquals(TestResources.HELLO, fetchText(variant, "-m", "get", base + "/hello"));
        assertEquals(1, res.helloCalls.get());
        assertEquals(1, secure.dtlsStats().orElseThrow().handshakesCompleted());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "gnutls"})
    void getLargeBlockwiseDeliversEveryByte(String variant) throws Exception {
        assertArrayEquals(res.large, fetch(variant, "-m", "get", base + "/large"));
        assertArrayEquals(res.large, fetch(variant, "-b", "64", "-m", "get", base + "/large"),
                "79 blocks of 64 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "gnutls"})
    void observeCounterGetsSeveralNotifications(String variant) throws Exception {
        coapClient(variant);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(res::tick, 300, 300, TimeUnit.MILLISECONDS);
        try {
            String out = fetchText(variant, "-s", "3", "-m", "get", base + "/counter");
            List<Integer> values = new ArrayList<>();
            Matcher m = Pattern.compile("\\[(\\d+)]").matcher(out); // printed one after another: "[0][1][2]..."
            while (m.find()) {
                values.add(Integer.parseInt(m.group(1)));
            }
            assertTrue(values.size() >= 3, "at least three notifications, got: " + out);
            for (int i = 1; i < values.size(); i++) {
                assertTrue(values.get(i) > values.get(i - 1), "values increase: " + values);
            }
        } finally {
            ticker.shutdownNow();
        }
    }

    /**
     * The GnuTLS build checks the certificate against {@code -R}: another self-signed certificate there and the
     * request never goes. (The OpenSSL build of libcoap 4.3.1 accepts any self-signed server certificate, as
     * coap-client allows self-signed ones, so it has no such check to test.)
     */
    @Test
    void theGnutlsClientRefusesACertificateItDoesNotTrust(@TempDir Path dir) throws Exception {
        Path other = Files.writeString(dir.resolve("other.pem"), DtlsCredentials.selfSigned("localhost")
                .certificatePem());
        Result r = run("gnutls", "-R", other.toString(), "-B", "10", "-o", output.toString(), "-m", "get",
                base + "/hello");
        assertTrue(!Files.exists(output) || Files.size(output) == 0, "no payload without a verified certificate");
        assertEquals(0, res.helloCalls.get());
        assertEquals(0, secure.dtlsStats().orElseThrow().handshakesCompleted());
    }
}
