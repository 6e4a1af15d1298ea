package io.udpnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;

@Timeout(60)
class ChatCommandsTest {

    /** A command run on its own thread, with its output captured. */
    private static final class Run {
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

    private static int freePort() throws IOException {
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
    void rawServerEchoesDatagrams() throws Exception {
        int port = freePort();
        Run server = new Run(Main.commandLine(), "server", "--raw", "--bind", "127.0.0.1:" + port);
        server.await("the server", () -> server.out().contains("raw echo server on"));
        try (DatagramChannel peer = DatagramChannel.open()) {
            peer.bind(new InetSocketAddress("127.0.0.1", 0));
            peer.connect(new InetSocketAddress("127.0.0.1", port));
            peer.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer reply = ByteBuffer.allocate(64);
            peer.read(reply);
            assertEquals("ping", new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8));
        }
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
    }

    @Test
    void aClientWithNoServerFailsWithAClearMessage() throws Exception {
        Run c = client(InputStream.nullInputStream(), "127.0.0.1:" + freePort());
        assertEquals(1, c.exit.get());
        assertTrue(c.err.toString().startsWith("udpnet: cannot connect to"), c.err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"server --mode bogus", "server --bind 127.0.0.1:70000", "server --bind nohost:x",
            "server --shards -1", "server --duration -3", "client 1.2.3.4:port", "client [::1]7000"})
    void badArgumentsExitWithTwo(String line) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        assertEquals(2, cl.execute(line.split(" ")), err.toString());
        assertTrue(err.toString().startsWith("udpnet: "), err.toString());
        assertTrue(err.toString().contains("--help"), err.toString());
    }
}
