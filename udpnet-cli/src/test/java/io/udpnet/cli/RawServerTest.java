package io.udpnet.cli;

import io.udpnet.cli.ChatCommandsTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class RawServerTest {

    /** Sends {@code size} bytes to the server and returns the echo; throws when none comes within two seconds. */
    private static byte[] echo(DatagramChannel peer, int size) throws Exception {
        byte[] sent = new byte[size];
        Arrays.fill(sent, (byte) size);
        peer.write(ByteBuffer.wrap(sent));
        ByteBuffer reply = ByteBuffer.allocate(65_536);
        return Arrays.copyOf(reply.array(), read(peer, reply));
    }

    private static int read(DatagramChannel peer, ByteBuffer reply) throws Exception {
        // A blocking channel's read ignores SO_TIMEOUT: poll in non-blocking mode for up to two seconds.
        peer.configureBlocking(false);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < deadline) {
                int n = peer.read(reply);
                if (n > 0) {
                    return n;
                }
                Thread.sleep(5);
            }
            throw new SocketTimeoutException("no echo");
        } finally {
            peer.configureBlocking(true);
        }
    }

    private static DatagramChannel peer(int port) throws Exception {
        DatagramChannel peer = DatagramChannel.open();
        peer.bind(new InetSocketAddress("127.0.0.1", 0));
        peer.connect(new InetSocketAddress("127.0.0.1", port));
        return peer;
    }

    @Test
    void echoesAnyUdpDatagramByDefault() throws Exception {
        int port = ChatCommandsTest.freePort();
        Run server = new Run(Main.commandLine(), "server", "--raw", "--bind", "127.0.0.1:" + port);
        server.await("the server", () -> server.out().contains("raw echo server on"));
        assertTrue(server.out().startsWith("udpnet raw echo server on 127.0.0.1:" + port + " (shared), datagrams up "
                + "to 65507 bytes; try: socat - UDP:127.0.0.1:" + port), server.out());
        try (DatagramChannel peer = peer(port)) {
            byte[] ping = "ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            peer.write(ByteBuffer.wrap(ping));
            ByteBuffer reply = ByteBuffer.allocate(64);
            read(peer, reply);
            assertArrayEquals(ping, Arrays.copyOf(reply.array(), reply.position()));
            assertEquals(9_000, echo(peer, 9_000).length);
        }
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
        assertTrue(server.out().contains("datagrams received"), server.out());
        assertTrue(server.out().contains("; 0 dropped, 0 of them over --max-datagram 65507 bytes"), server.out());
    }

    @Test
    void datagramsOverTheLimitAreCountedAndReported() throws Exception {
        int port = ChatCommandsTest.freePort();
        Run server = new Run(Main.commandLine(), "server", "--raw", "--max-datagram", "1000", "--bind",
                "127.0.0.1:" + port);
        server.await("the server", () -> server.out().contains("raw echo server on"));
        assertTrue(server.out().contains("datagrams up to 1000 bytes"), server.out());
        try (DatagramChannel peer = peer(port)) {
            assertEquals(1_000, echo(peer, 1_000).length);
            assertThrows(SocketTimeoutException.class, () -> echo(peer, 1_001));
            server.await("the drop reported", () -> server.out().contains(
                    "! 1 datagram(s) over --max-datagram 1000 bytes dropped (1 so far)"));
            assertEquals(500, echo(peer, 500).length);
        }
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
        assertTrue(server.out().contains("1 dropped, 1 of them over --max-datagram 1000 bytes"), server.out());
    }

    @Test
    void jsonSummaryCountsOversizeDrops() throws Exception {
        int port = ChatCommandsTest.freePort();
        Run server = new Run(Main.commandLine(), "server", "--raw", "--max-datagram", "100", "--json", "--bind",
                "127.0.0.1:" + port);
        server.await("the server", () -> server.err.toString().contains("raw echo server on"));
        try (DatagramChannel peer = peer(port)) {
            assertEquals(100, echo(peer, 100).length);
            assertThrows(SocketTimeoutException.class, () -> echo(peer, 200));
        }
        server.thread.interrupt();
        assertEquals(0, server.exit.get());
        String json = server.out().trim();
        assertFalse(json.contains("\n"), json);
        assertTrue(json.startsWith("{\"command\":\"server\",\"settings\":{\"bind\":\"127.0.0.1:" + port
                + "\",\"mode\":\"shared\",\"shards\":0,\"raw\":true,\"durationSeconds\":0.0,"
                + "\"maxDatagramBytes\":100},\"address\":\"127.0.0.1:" + port + "\""), json);
        // bytesReceived counts what was read of the oversize datagram (the limit and one byte), so it is not checked.
        assertTrue(json.contains("\"sessionsOpened\":1,\"datagramsReceived\":2,"), json);
        assertTrue(json.contains("\"datagramsSent\":1,\"bytesSent\":100,\"datagramsDropped\":1,"
                + "\"datagramsDroppedOversize\":1,"), json);
    }
}
