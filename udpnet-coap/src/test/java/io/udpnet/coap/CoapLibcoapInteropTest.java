package io.udpnet.coap;

import io.udpnet.transport.UdpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.File;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** libcoap's coap-client (Debian libcoap3-bin) against the udpnet server on loopback. */
@Timeout(120)
class CoapLibcoapInteropTest {
    private TestResources res;
    private UdpServer transport;
    private String base;

    @BeforeEach
    void start() throws IOException {
        res = new TestResources(CoapConfig.DEFAULT);
        transport = res.server.bind(TestResources.loopback());
        base = "coap://127.0.0.1:" + transport.localAddress().getPort();
    }

    @AfterEach
    void stop() {
        res.server.close();
    }

    static String coapClient() {
        for (String name : List.of("coap-client", "coap-client-notls", "coap-client-gnutls", "coap-client-openssl")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }

    private static byte[] run(String... args) throws Exception {
        String exe = coapClient();
        assumeTrue(exe != null, "libcoap's coap-client is not installed (Debian package libcoap3-bin)");
        List<String> cmd = new ArrayList<>();
        cmd.add(exe);
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "coap-client did not finish");
        assertEquals(0, p.exitValue(), "coap-client exit code for " + cmd);
        return out.toByteArray();
    }

    /** The payload as coap-client printed it, without the newline it adds at the end. */
    private static byte[] payload(byte[] out) {
        int n = out.length > 0 && out[out.length - 1] == '\n' ? out.length - 1 : out.length;
        return Arrays.copyOf(out, n);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8).strip();
    }

    @Test
    void getHello() throws Exception {
        assertEquals(TestResources.HELLO, text(run("-m", "get", base + "/hello")));
        assertEquals(1, res.helloCalls.get());
    }

    @Test
    void getLargeBlockwiseDeliversEveryByte() throws Exception {
        // -B: give up after that many seconds; Block2 is followed by coap-client on its own.
        byte[] got = run("-B", "30", "-m", "get", base + "/large");
        assertArrayEquals(res.large, payload(got));
        // And with a smaller block size asked for by the client (-b 64): 79 blocks.
        assertArrayEquals(res.large, payload(run("-B", "30", "-b", "64", "-m", "get", base + "/large")));
    }

    @Test
    void observeCounterGetsSeveralNotifications() throws Exception {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(res::tick, 300, 300, TimeUnit.MILLISECONDS);
        try {
            String out = text(run("-s", "3", "-m", "get", base + "/counter"));
            // coap-client prints each notification's payload as it comes, with no separator: "[0][1][2]...".
            List<Integer> values = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[(\\d+)]").matcher(out);
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

    @Test
    void putPostGetDelete() throws Exception {
        run("-m", "put", "-e", "first", base + "/store");
        assertEquals("first", res.stored.get());
        run("-m", "post", "-e", "+more", base + "/store");
        assertEquals("first+more", res.stored.get());
        assertEquals("first+more", text(run("-m", "get", base + "/store")));
        run("-m", "delete", base + "/store");
        assertEquals("", res.stored.get());
    }

    @Test
    void putLargeBodyBlockwise(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String body = "block-wise request body; ".repeat(120); // 3,000 bytes
        Path file = Files.writeString(dir.resolve("body.txt"), body);
        run("-m", "put", "-b", "256", "-f", file.toString(), base + "/store");
        assertEquals(body, res.stored.get());
    }

    @Test
    void wellKnownCoreListsTheResources() throws Exception {
        String links = text(run("-m", "get", base + "/.well-known/core"));
        assertTrue(links.contains("</hello>;rt=\"greeting\";ct=0"), links);
        assertTrue(links.contains("</counter>;obs;ct=0"), links);
        assertTrue(links.contains("</large>;sz=5000"), links);
        assertTrue(links.contains("</store>"), links);
        assertEquals("</hello>;rt=\"greeting\";ct=0", text(run("-m", "get", base + "/.well-known/core?rt=greeting")));
    }

    @Test
    void unknownPathIsNotFound() throws Exception {
        // coap-client prints the error code for a 4.xx response on stderr and still exits 0 in libcoap 4.3.
        String out = text(run("-m", "get", base + "/nothing"));
        assertEquals("", out);
        assertEquals(0, res.helloCalls.get());
    }
}
