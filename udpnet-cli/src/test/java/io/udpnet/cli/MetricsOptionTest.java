package io.udpnet.cli;

import io.udpnet.ConnectionConfig;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code server --metrics}: a Prometheus page on loopback, scraped while clients use the server. */
@Timeout(60)
class MetricsOptionTest {
    private static final Pattern URL = Pattern.compile("metrics on (http://\\S+/metrics)");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void theChatServerServesItsCountersToAScraper() throws Exception {
        int port = ChatCommandsTest.freePort();
        ChatCommandsTest.Run server = new ChatCommandsTest.Run(Main.commandLine(), "server", "--bind",
                "127.0.0.1:" + port, "--metrics", "127.0.0.1:0");
        server.await("the metrics line", () -> URL.matcher(server.out()).find());
        URI uri = uri(server.out());
        try (MessageClient client = MessageClient.open(ConnectionConfig.defaults());
             MessageConnection c = client.connect(new InetSocketAddress("127.0.0.1", port))) {
            c.send(0, "hello".getBytes(StandardCharsets.UTF_8));
            assertTrue(c.receive(Duration.ofSeconds(10)) != null, "the chat echo");
            server.await("one online", () -> server.out().contains("(1 online)"));

            HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    page.headers().firstValue("Content-Type").orElse(""));
            String body = page.body();
            assertTrue(body.contains("# TYPE udpnet_server_connections gauge\nudpnet_server_connections 1\n"), body);
            assertTrue(body.contains("\nudpnet_server_connections_opened_total 1\n"), body);
            assertTrue(body.contains("\nudpnet_server_handshakes_total{outcome=\"accepted\"} 1\n"), body);
            assertTrue(value(body, "udpnet_server_datagrams_total{direction=\"in\"}") >= 3, body);   // 2 handshake, 1 data
            assertTrue(value(body, "udpnet_server_bytes_total{direction=\"out\"}") > 5, body);
            assertEquals(0, value(body, "udpnet_server_drops_total{reason=\"inbox_full\"}"), body);
            double rtt = value(body, "udpnet_connection_rtt_seconds{statistic=\"max\"}");
            assertTrue(rtt > 0 && rtt < 10, body);
            assertTrue(body.matches("(?s)udpnet_server_info\\{io=\"[a-z-]+\",mode=\"shared\"} 1\n.*|.*\nudpnet_server_info\\{io=\"[a-z-]+\",mode=\"shared\"} 1\n.*"), body);
            // Every sample line is NAME{LABELS} NUMBER, every family has HELP and TYPE.
            for (String line : body.split("\n")) {
                assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ")
                        || line.matches("[a-z_]+(\\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*})? (-?[0-9.eE+-]+|NaN)"), line);
            }

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
            HttpResponse<String> other = http.send(HttpRequest.newBuilder(uri.resolve("/other")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, other.statusCode());
        }
        server.await("the client left", () -> server.out().contains("(0 online)"));
        String after = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(after.contains("\nudpnet_server_connections 0\n") && after.contains(
                "\nudpnet_server_connections_closed_total 1\n"), after);
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
    }

    @Test
    void theRawServerServesSessionAndDatagramCounts() throws Exception {
        int port = ChatCommandsTest.freePort();
        ChatCommandsTest.Run server = new ChatCommandsTest.Run(Main.commandLine(), "server", "--raw", "--bind",
                "127.0.0.1:" + port, "--metrics", "127.0.0.1:0", "--max-datagram", "100");
        server.await("the metrics line", () -> URL.matcher(server.out()).find());
        try (DatagramChannel client = DatagramChannel.open()) {
            client.connect(new InetSocketAddress("127.0.0.1", port));
            client.write(ByteBuffer.wrap(new byte[40]));
            client.write(ByteBuffer.wrap(new byte[200]));   // over --max-datagram
            ByteBuffer echo = ByteBuffer.allocate(100);
            client.read(echo);
            assertEquals(40, echo.position());
            String body = "";
            long end = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < end && !body.contains("udpnet_raw_drops_total{reason=\"oversize\"} 1\n")) {
                body = http.send(HttpRequest.newBuilder(uri(server.out())).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Thread.sleep(20);
            }
            assertTrue(body.contains("\nudpnet_raw_sessions 1\n"), body);
            assertTrue(body.contains("\nudpnet_raw_drops_total{reason=\"oversize\"} 1\n"), body);
            assertEquals(1, value(body, "udpnet_raw_datagrams_total{direction=\"out\"}"), body);
            assertEquals(40, value(body, "udpnet_raw_bytes_total{direction=\"out\"}"), body);
        }
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
    }

    @Test
    void aBadMetricsAddressIsABadArgument() throws Exception {
        for (String bad : new String[] {"nonsense:port", "127.0.0.1:70000", "[::1"}) {
            ChatCommandsTest.Run server = new ChatCommandsTest.Run(Main.commandLine(), "server", "--bind",
                    "127.0.0.1:0", "--metrics", bad);
            assertEquals(2, server.exit.get(), bad);
            assertTrue(server.err.toString().startsWith("udpnet: --metrics: "), server.err.toString());
        }
    }

    @Test
    void aMetricsPortInUseExitsWithOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ChatCommandsTest.Run server = new ChatCommandsTest.Run(Main.commandLine(), "server", "--bind",
                    "127.0.0.1:0", "--metrics", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(1, server.exit.get());
            assertTrue(server.err.toString().startsWith("udpnet: cannot serve metrics on 127.0.0.1:"
                    + taken.getLocalPort() + ": "), server.err.toString());
        }
    }

    private static URI uri(String out) {
        Matcher m = URL.matcher(out);
        assertTrue(m.find(), out);
        return URI.create(m.group(1));
    }

    private static double value(String body, String sample) {
        for (String line : body.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1));
            }
        }
        throw new AssertionError("no sample " + sample + " in:\n" + body);
    }
}
