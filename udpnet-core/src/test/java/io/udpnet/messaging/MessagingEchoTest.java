package io.udpnet.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

@Timeout(60)
class MessagingEchoTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    static MessageServer server(ServerMode mode) throws Exception {
        return MessageServer.open(MessageServerConfig.builder().mode(mode).shards(2).build());
    }

    /** Echoes every message back on its channel until the connection closes. */
    static void echo(MessageConnection c) {
        try {
            while (true) {
                Message m = c.receive();
                c.send(m.channel(), m.data());
            }
        } catch (Exception closed) {
            // the test is over
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void messagesOfEveryDeliveryModeComeBackEchoed(ServerMode mode) throws Exception {
        try (MessageServer server = server(mode);
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            Thread.startVirtualThread(() -> {
                try {
                    echo(server.accept());
                } catch (Exception e) {
                    // server closed
                }
            });
            MessageConnection c = client.connect(server.localAddress());
            assertEquals(MessageConnection.State.OPEN, c.state());
            Random random = new Random(1);
            // Reliable channels: every message back, in order on channel 0. Sizes cross the fragment boundary.
            int count = 200;
            byte[][] sent = new byte[count][];
            for (int i = 0; i < count; i++) {
                sent[i] = new byte[1 + random.nextInt(i % 10 == 0 ? 20_000 : 300)];
                random.nextBytes(sent[i]);
                c.send(0, sent[i]);
            }
            for (int i = 0; i < count; i++) {
                Message m = c.receive(WAIT);
                assertNotNull(m, "echo " + i + " missing");
                assertEquals(0, m.channel());
                assertArrayEquals(sent[i], m.data(), "echo " + i);
            }
            // Unreliable channels on loopback: a message sent alone comes back.
            for (int ch = 1; ch < 4; ch++) {
                byte[] data = ("channel " + ch).getBytes(StandardCharsets.UTF_8);
                c.send(ch, data);
                Message m = c.receive(WAIT);
                assertNotNull(m);
                assertEquals(ch, m.channel());
                assertArrayEquals(data, m.data());
            }
            assertTrue(c.statsAsync().get(10, java.util.concurrent.TimeUnit.SECONDS).datagramsSent() > 0);
            c.close("bye");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void closingTheServerTellsTheClient(ServerMode mode) throws Exception {
        try (MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageServer server = server(mode);
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection accepted = server.accept(WAIT);
            assertNotNull(accepted);
            server.close();
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> c.receive(WAIT));
            assertEquals(DisconnectCode.SHUTDOWN, e.reason().code());
            assertTrue(e.reason().remote());
            assertEquals(MessageConnection.State.CLOSED, accepted.state());
            assertThrows(java.nio.channels.ClosedChannelException.class, server::accept);
        }
    }

    @Test
    void connectingToAPortWithNoServerFailsFastAsUnreachable() throws Exception {
        InetSocketAddress nobody;
        try (var probe = java.nio.channels.DatagramChannel.open()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            nobody = (InetSocketAddress) probe.getLocalAddress();
        }
        try (MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            long start = System.nanoTime();
            ConnectFailedException e = assertThrows(ConnectFailedException.class, () -> client.connect(nobody));
            assertEquals(DisconnectCode.UNREACHABLE, e.reason().code());
            assertTrue(System.nanoTime() - start < ConnectionConfig.defaults().connectTimeoutNanos(),
                    "failed by time-out instead of the ICMP error");
        }
    }

    @Test
    void bigMessageAndByteBufferSend() throws Exception {
        try (MessageServer server = server(ServerMode.SHARED);
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(WAIT);
            byte[] big = new byte[1 << 20];
            new Random(2).nextBytes(big);
            ByteBuffer b = ByteBuffer.wrap(big);
            c.send(0, b);
            assertEquals(0, b.position(), "send leaves the position alone");
            Message m = s.receive(WAIT);
            assertNotNull(m);
            assertArrayEquals(big, m.data());
            assertThrows(IllegalArgumentException.class, () -> c.trySend(0, new byte[(1 << 20) + 1]));
            assertThrows(IllegalArgumentException.class, () -> c.trySend(9, new byte[1]));
        }
    }
}
