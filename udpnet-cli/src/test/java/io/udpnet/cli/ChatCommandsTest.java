package io.udpnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Timeout(60)
class ChatCommandsTest {

    /** A command run on its own thread, with its output captured. */
    static final class Run {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread thread;

        Run(CommandLine cl, String... args) {
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            thread = Thread.ofPlatform().start(() -> exit.complete(cl.execute(args)));
        }

        String out() {
            synchronized (out.getBuffer()) {
                return out.toString();
            }
        }

        void await(String what, Supplier<Boolean> condition) throws InterruptedException {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!condition.get()) {
                assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what + "; output: " + out()
                        + " errors: " + err);
                Thread.sleep(10);
            }
        }
    }

    static int freePort() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    private static Run client(InputStream in, String server) {
        return new Run(Main.configure(new CommandLine(new ClientCommand(in))), server);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "sharded", "connected"})
    void twoClientsChatThroughTheServer(String mode) throws Exception {
        int port = freePort();
        String address = "127.0.0.1:" + port;
        Run server = new Run(Main.commandLine(), "server", "--bind", address, "--mode", mode);
        server.await("the server", () -> server.out().contains("chat server on"));
        PipedOutputStream aIn = new PipedOutputStream();
        PipedOutputStream bIn = new PipedOutputStream();
        Run a = client(new PipedInputStream(aIn), address);
        Run b = client(new PipedInputStream(bIn), address);
        a.await("a connected", () -> a.out().contains("connected to"));
        b.await("b connected", () -> b.out().contains("connected to"));
        server.await("two online", () -> server.out().contains("(2 online)"));
        aIn.write("hello from a\n".getBytes(StandardCharsets.UTF_8));
        aIn.flush();
        b.await("a's line at b", () -> b.out().contains(": hello from a"));
        a.await("a's line echoed to a", () -> a.out().contains(": hello from a"));
        // The line is prefixed with a's address as HOST:PORT (docs/PROTOCOL.md, appendix).
        Pattern line = Pattern.compile("(?m)^127\\.0\\.0\\.1:\\d{1,5}: hello from a$");
        assertTrue(line.matcher(b.out()).find(), b.out());
        aIn.close();
        bIn.close();
        assertEquals(0, a.exit.get(), a.err.toString());
        assertEquals(0, b.exit.get(), b.err.toString());
        assertTrue(a.out().contains("closed: APPLICATION (end of input)"), a.out());
        server.await("both left", () -> server.out().contains("(0 online)"));
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
        assertTrue(server.out().contains("server stopped"));
    }

    @Test
    void aClientWithNoServerSaysItWaitsThenFailsWithAClearMessage() throws Exception {
        int port = freePort();
        Run c = client(InputStream.nullInputStream(), "127.0.0.1:" + port);
        assertEquals(1, c.exit.get());
        assertTrue(c.out().startsWith("waiting for the server at 127.0.0.1:" + port + " (up to 5 s)..."), c.out());
        assertTrue(c.err.toString().startsWith("udpnet: cannot connect to 127.0.0.1:" + port + ": "), c.err.toString());
        assertFalse(c.err.toString().contains("/127.0.0.1"), c.err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {":", "0.0.0.0:"})
    void aServerBoundToEveryInterfaceSaysWhereToConnect(String prefix) throws Exception {
        int port = freePort();
        Run server = new Run(Main.commandLine(), "server", "--bind", prefix + port);
        server.await("the server", () -> server.out().contains("chat server on"));
        assertTrue(server.out().startsWith("udpnet chat server on *:" + port + " (shared, every interface); "
                + "connect with: bin/udpnet client 127.0.0.1:" + port), server.out());
        PipedOutputStream in = new PipedOutputStream();
        Run a = client(new PipedInputStream(in), "127.0.0.1:" + port);
        a.await("a connected", () -> a.out().contains("connected to 127.0.0.1:" + port));
        server.await("a online", () -> server.out().contains("(1 online)"));
        assertTrue(server.out().contains("\n+ 127.0.0.1:"), "addresses without a leading slash: " + server.out());
        in.close();
        assertEquals(0, a.exit.get(), a.err.toString());
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
        assertFalse(server.out().contains("/127.0.0.1"), server.out());
    }

    @Test
    void aPortInUseExitsWithOneAndAPlainAddress() throws Exception {
        try (DatagramChannel taken = DatagramChannel.open()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            Run server = new Run(Main.commandLine(), "server", "--bind", "127.0.0.1:" + port);
            assertEquals(1, server.exit.get());
            assertTrue(server.err.toString().startsWith("udpnet: cannot listen on 127.0.0.1:" + port + ": "),
                    server.err.toString());
        }
    }

    @Test
    void jsonSummariesOfServerAndClient() throws Exception {
        int port = freePort();
        String address = "127.0.0.1:" + port;
        Run server = new Run(Main.commandLine(), "server", "--bind", address, "--json");
        server.await("the server", () -> server.err.toString().contains("chat server on"));
        PipedOutputStream in = new PipedOutputStream();
        Run a = new Run(Main.configure(new CommandLine(new ClientCommand(new PipedInputStream(in)))), address,
                "--json");
        a.await("a connected", () -> a.err.toString().contains("connected to"));
        in.write("one line\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        a.await("the echo", () -> a.out().contains(": one line"));
        in.close();
        assertEquals(0, a.exit.get(), a.err.toString());
        String[] clientLines = a.out().split("\n");
        assertEquals("127.0.0.1:" + freePortOf(a.out()) + ": one line", clientLines[0]);
        String clientJson = clientLines[clientLines.length - 1];
        assertTrue(clientJson.startsWith("{\"command\":\"client\",\"settings\":{\"server\":\"" + address
                + "\"},\"connected\":true,\"disconnectReason\":\"APPLICATION (end of input)\""), clientJson);
        assertEquals(1, field(clientJson, "messagesSent"));
        assertEquals(1, field(clientJson, "messagesReceived"));
        assertTrue(field(clientJson, "datagramsSent") >= 2, clientJson);
        server.await("a left", () -> server.err.toString().contains("(0 online)"));
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
        String serverJson = server.out().trim();
        assertTrue(serverJson.startsWith("{\"command\":\"server\",\"settings\":{\"bind\":\"" + address
                + "\",\"mode\":\"shared\",\"shards\":0,\"raw\":false,\"durationSeconds\":0.0},\"address\":\""
                + address + "\""), serverJson);
        assertEquals(1, field(serverJson, "connectionsAccepted"));
        assertEquals(1, field(serverJson, "connectionsClosed"));
        assertEquals(0, field(serverJson, "datagramsDroppedOversize"));
    }

    /** The port of the client, as the server prefixed it to the echoed line. */
    private static int freePortOf(String clientOut) {
        return Integer.parseInt(clientOut.substring("127.0.0.1:".length(), clientOut.indexOf(": ")));
    }

    private static long field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?[0-9.]+)").matcher(json);
        assertTrue(m.find(), name + " missing in " + json);
        return (long) Double.parseDouble(m.group(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"server --mode bogus", "server --bind 127.0.0.1:70000", "server --bind nohost:x",
            "server --shards -1", "server --duration -3", "client 1.2.3.4:port", "client [::1]7000",
            "client 127.0.0.1:0", "server --max-datagram 100", "server --raw --max-datagram 0",
            "server --raw --max-datagram 65508"})
    void badArgumentsExitWithTwo(String line) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        assertEquals(2, cl.execute(line.split(" ")), err.toString());
        assertTrue(err.toString().startsWith("udpnet: "), err.toString());
        assertTrue(err.toString().contains("Try 'udpnet " + line.split(" ")[0] + " --help'."), err.toString());
    }

    @Test
    void clientOnPortZeroIsABadArgument() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("client", "127.0.0.1:0"));
        assertTrue(err.toString().startsWith("udpnet: HOST:PORT: port 1..65535 expected, got 0 in '127.0.0.1:0'"),
                err.toString());
    }
}
