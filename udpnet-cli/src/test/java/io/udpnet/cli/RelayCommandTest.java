package io.udpnet.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void relaysForTheDurationWithStatusLinesAndASummary() throws Exception {
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int listenPort = freePort();
            CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> run("relay",
                    "--listen", "127.0.0.1:" + listenPort, "--target", "127.0.0.1:" + server.getLocalPort(),
                    "--latency", "5", "--duplicate", "100", "--seed", "3", "--status", "0.1", "--duration", "1.5"));
            InetSocketAddress relay = new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort);
            server.setSoTimeout(200);
            // The relay may not listen yet: send until the first copy arrives.
            DatagramPacket in = new DatagramPacket(new byte[100], 100);
            for (int i = 0; ; i++) {
                assertTrue(i < 5, "nothing came through the relay: " + out + err);
                client.send(new DatagramPacket(new byte[] {7}, 1, relay));
                try {
                    server.receive(in);
                    break;
                } catch (java.net.SocketTimeoutException e) {
                    // not yet
                }
            }
            server.receive(in); // the duplicate
            assertEquals(7, in.getData()[0]);
            assertEquals(0, code.get(10, TimeUnit.SECONDS), err.toString());
        }
        String text = out.toString();
        assertTrue(text.startsWith("relaying 127.0.0.1:"), text);
        assertTrue(text.contains("duplicate 100%"), text);
        assertTrue(text.lines().filter(l -> l.contains("clients 1  c->s in ")).count() >= 3, text);
        assertTrue(text.contains("relay stopped after"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("client->server") && l.contains(" duplicated")), text);
        assertEquals("", err.toString());
    }

    @Test
    void jsonSummaryIsTheOnlyOutput() {
        assertEquals(0, run("relay", "--json", "--listen", ":0", "--target", "127.0.0.1:9", "--loss", "5",
                "--status", "0", "--duration", "0.2"));
        String json = out.toString().trim();
        assertTrue(json.startsWith("{\"command\":\"relay\",\"settings\":{\"listen\":\":0\",\"target\":"
                + "\"127.0.0.1:9\",\"lossPercent\":5.0,"), json);
        assertTrue(json.contains("\"address\":\"*:"), "listening on every interface: " + json);
        assertTrue(json.contains("\"clientToServer\":{\"datagramsReceived\":0,"), json);
        assertTrue(err.toString().startsWith("relaying *:"), err.toString());
    }

    @Test
    void helpDescribesTheOptions() {
        assertEquals(0, run("relay", "--help"));
        for (String option : new String[] {"--listen", "--target", "--loss", "--duplicate", "--reorder", "--corrupt",
                "--latency", "--jitter", "--bandwidth", "--seed", "--max-clients", "--idle-timeout"}) {
            assertTrue(out.toString().contains(option), option + " missing from " + out);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--loss=-1", "--corrupt=101", "--latency=-5", "--bandwidth=-1", "--jitter=abc",
            "--target=localhost", "--target=127.0.0.1:0", "--target=127.0.0.1:70000", "--target=::1:5",
            "--listen=127.0.0.1:x", "--max-clients=0", "--idle-timeout=-1", "--status=-1", "--no-such-flag"})
    void badArgumentsExitWithTwoAndSayWhy(String arg) {
        String[] args = arg.startsWith("--target") ? new String[] {"relay", arg}
                : new String[] {"relay", "--target", "127.0.0.1:9", arg};
        assertEquals(2, run(args));
        assertTrue(err.toString().startsWith("udpnet: "), err.toString());
        assertTrue(err.toString().contains("Try 'udpnet relay --help'."), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void theTargetIsRequired() {
        assertEquals(2, run("relay", "--loss", "5"));
        assertTrue(err.toString().startsWith("udpnet: "), err.toString());
    }

    private static int freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }
}
