package io.udpnet.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.engine.Connection;
import io.udpnet.engine.ConnectionListener;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.engine.DisconnectReason;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

@Timeout(60)
class MessagingBehaviourTest {
    private static final Duration WAIT = MessagingEchoTest.WAIT;

    @Test
    void aReaderThatFallsBehindSlowsTheSenderDownAndLosesNothing() throws Exception {
        MessageServerConfig config = MessageServerConfig.builder().inboxBytes(64 << 10).build();
        try (MessageServer server = MessageServer.open(config);
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(WAIT);
            // The server does not read: its inbox fills, it refuses the messages, the client's window fills, and
            // send finds no room for half a second.
            List<byte[]> accepted = new ArrayList<>();
            Random random = new Random(3);
            boolean refused = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!refused && System.nanoTime() < deadline) {
                byte[] m = new byte[8 << 10];
                random.nextBytes(m);
                if (c.send(0, ByteBuffer.wrap(m), Duration.ofMillis(500))) {
                    accepted.add(m);
                } else {
                    refused = true;
                }
            }
            assertTrue(refused, "trySend never refused after " + accepted.size() + " messages");
            for (int i = 0; i < accepted.size(); i++) {
                Message m = s.receive(WAIT);
                assertNotNull(m, "message " + i + " of " + accepted.size() + " missing");
                assertArrayEquals(accepted.get(i), m.data(), "message " + i);
            }
            assertNull(s.receive(Duration.ofMillis(100)), "nothing more than was accepted");
            assertTrue(server.stats().inboxDrops() > 0, "the full inbox held datagrams back");
        }
    }

    @Test
    void inboxesTogetherKeepToTheServersLimitAndStillLoseNothing() throws Exception {
        int perConnection = 64 << 10;
        long total = 96 << 10;
        MessageServerConfig config = MessageServerConfig.builder().inboxBytes(perConnection).inboxMemoryBytes(total)
                .build();
        int messages = 150;
        int size = 1000;
        try (MessageServer server = MessageServer.open(config);
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection[] senders = {client.connect(server.localAddress()), client.connect(server.localAddress())};
            MessageConnection[] readers = {server.accept(WAIT), server.accept(WAIT)};
            for (int i = 0; i < messages; i++) {
                for (MessageConnection c : senders) {
                    assertTrue(c.send(0, ByteBuffer.wrap(numbered(i, size)), WAIT));
                }
            }
            // Nobody reads: the inboxes fill until together they reach the server's limit, then hold still.
            long held = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                Thread.sleep(300);
                long now = server.stats().inboxBytes();
                if (now == held && server.stats().inboxDrops() > 0) {
                    break;
                }
                held = now;
            }
            // Each connection may pass the limit by what one datagram completes (one message of this size).
            assertTrue(held >= total && held <= total + 2 * size, "inboxes hold " + held + " bytes, limit " + total);
            assertTrue(held < 2L * perConnection, "the per-connection limits alone would have allowed more");

            for (MessageConnection reader : readers) {
                MessageConnection peer = reader;
                for (int i = 0; i < messages; i++) {
                    Message m = peer.receive(WAIT);
                    assertNotNull(m, "message " + i + " missing");
                    assertArrayEquals(numbered(i, size), m.data(), "message " + i);
                }
            }
            assertEquals(0, server.stats().inboxBytes());
        }
    }

    @Test
    void aReaderThatPausesForLongerThanTheIdleTimeOutKeepsItsConnection() throws Exception {
        ConnectionConfig quick = ConnectionConfig.builder().idleTimeout(Duration.ofSeconds(1))
                .keepAlive(Duration.ofMillis(250)).build();
        MessageServerConfig config = MessageServerConfig.builder().connection(quick).inboxBytes(64 << 10).build();
        int messages = 200;
        int size = 1000;
        try (MessageServer server = MessageServer.open(config);
             MessageClient client = MessageClient.open(quick)) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(WAIT);
            for (int i = 0; i < messages; i++) {
                assertTrue(c.send(0, ByteBuffer.wrap(numbered(i, size)), WAIT));
            }
            // Three idle time-outs without reading: the inbox is full, yet both ends keep hearing from each other.
            Thread.sleep(3_000);
            assertTrue(server.stats().inboxDrops() > 0 || server.stats().inboxBytes() >= 64 << 10,
                    "the inbox filled up");
            for (int i = 0; i < messages; i++) {
                Message m = s.receive(WAIT);
                assertNotNull(m, "message " + i + " missing; server side " + s.state() + ", client " + c.state());
                assertArrayEquals(numbered(i, size), m.data(), "message " + i);
            }
            assertEquals(MessageConnection.State.OPEN, c.state());
            assertEquals(MessageConnection.State.OPEN, s.state());
        }
    }

    private static byte[] numbered(int i, int size) {
        byte[] m = new byte[size];
        ByteBuffer.wrap(m).putInt(i);
        m[size - 1] = (byte) i;
        return m;
    }

    @Test
    void listenerStyleSeesConnectMessagesAndClose() throws Exception {
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        MessageConnectionListener listener = new MessageConnectionListener() {
            @Override
            public void onConnected(MessageConnection c) {
                events.add("connected");
            }

            @Override
            public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
                events.add("message " + StandardCharsets.UTF_8.decode(message));
            }

            @Override
            public void onClosed(MessageConnection c, DisconnectReason reason) {
                events.add("closed " + reason.code() + " " + reason.text());
            }
        };
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().listener(listener).build());
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            assertThrows(IllegalStateException.class, server::accept);
            MessageConnection c = client.connect(server.localAddress());
            c.send(0, "hi".getBytes(StandardCharsets.UTF_8));
            c.close("done");
            assertEquals("connected", events.poll(10, TimeUnit.SECONDS));
            assertEquals("message hi", events.poll(10, TimeUnit.SECONDS));
            assertEquals("closed APPLICATION done", events.poll(10, TimeUnit.SECONDS));
            assertThrows(ConnectionClosedException.class, () -> c.trySend(0, new byte[1]));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void closeRightAfterSendingStillDeliversWhatWasSent(ServerMode mode) throws Exception {
        try (MessageServer server = MessagingEchoTest.server(mode);
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(WAIT);
            for (int i = 0; i < 300; i++) {
                c.send(0, ByteBuffer.allocate(700).putInt(0, i));
            }
            c.close("sent all");
            for (int i = 0; i < 300; i++) {
                Message m = s.receive(WAIT);
                assertNotNull(m, "message " + i + " lost by the close");
                assertEquals(i, ByteBuffer.wrap(m.data()).getInt());
            }
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> s.receive(WAIT));
            assertEquals(DisconnectCode.APPLICATION, e.reason().code());
            assertEquals("sent all", e.reason().text());
        }
    }

    @Test
    void anIoThreadKilledByAnErrorEndsItsConnectionsInsteadOfLeavingThemHanging() throws Exception {
        LinkedBlockingQueue<DisconnectReason> closed = new LinkedBlockingQueue<>();
        MessageConnectionListener fatal = new MessageConnectionListener() {
            @Override
            public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
                throw new AssertionError("fatal error in application code");
            }

            @Override
            public void onClosed(MessageConnection c, DisconnectReason reason) {
                closed.add(reason);
            }
        };
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().listener(fatal).build());
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            c.send(0, new byte[] {1});
            DisconnectReason r = closed.poll(10, TimeUnit.SECONDS);
            assertNotNull(r, "the server's connection was left open");
            assertEquals(DisconnectCode.SHUTDOWN, r.code());
            assertEquals(0, server.connectionCount());
        }
    }

    @Test
    void theAdmissionCheckSeesThePayloadAndItsRefusalReachesTheClient() throws Exception {
        MessageServerConfig config = MessageServerConfig.builder()
                .admission((address, payload) -> StandardCharsets.UTF_8.decode(payload).toString().equals("let me in"))
                .build();
        try (MessageServer server = MessageServer.open(config);
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            ConnectFailedException e = assertThrows(ConnectFailedException.class, () -> client.connect(
                    server.localAddress(), ByteBuffer.wrap("wrong".getBytes(StandardCharsets.UTF_8)), null));
            assertEquals(DisconnectCode.REJECTED, e.reason().code());
            assertTrue(e.getMessage().contains("refused by the server"), e.getMessage());
            assertNotNull(client.connect(server.localAddress(),
                    ByteBuffer.wrap("let me in".getBytes(StandardCharsets.UTF_8)), null));
            assertEquals(1, server.stats().accepted());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void maxConnectionsHoldsForTheWholeServerWhateverShardEachClientLandsOn(ServerMode mode) throws Exception {
        MessageServerConfig config = MessageServerConfig.builder().mode(mode).shards(2)
                .server(ServerEndpointConfig.builder().maxConnections(3).build()).build();
        try (MessageServer server = MessageServer.open(config);
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            List<MessageConnection> accepted = new ArrayList<>();
            int full = 0;
            for (int i = 0; i < 8; i++) {
                try {
                    accepted.add(client.connect(server.localAddress()));
                } catch (ConnectFailedException e) {
                    assertEquals(DisconnectCode.SERVER_FULL, e.reason().code(), e.getMessage());
                    full++;
                }
            }
            assertEquals(3, accepted.size());
            assertEquals(5, full);
            assertEquals(3, server.connectionCount());

            accepted.get(0).close("making room");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (server.connectionCount() > 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertNotNull(client.connect(server.localAddress()), "a closed connection's place is free again");
            assertEquals(3, server.connectionCount());
        }
    }

    @Test
    void aServerThatNeverAnswersTimesTheConnectOut() throws Exception {
        ConnectionConfig quick = ConnectionConfig.builder().connectTimeout(Duration.ofMillis(500)).build();
        try (DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             MessageClient client = MessageClient.open(quick)) {
            ConnectFailedException e = assertThrows(ConnectFailedException.class,
                    () -> client.connect((InetSocketAddress) silent.getLocalAddress()));
            assertEquals(DisconnectCode.CONNECT_TIMED_OUT, e.reason().code());
            assertEquals(0, client.connectionCount());
        }
    }

    @Test
    void ipv6Loopback() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(v6, 0));
        } catch (Exception e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "::1 is not available here");
        }
        MessageServerConfig config = MessageServerConfig.builder().bindAddress(new InetSocketAddress(v6, 0)).build();
        try (MessageServer server = MessageServer.open(config);
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(WAIT);
            assertTrue(s.remoteAddress().getAddress() instanceof Inet6Address);
            c.send(0, new byte[] {42});
            assertArrayEquals(new byte[] {42}, s.receive(WAIT).data());
        }
    }

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void anIdleServerBurnsNoCpuAndCloseStopsItsThreads(ServerMode mode) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        MessageServer server = MessagingEchoTest.server(mode);
        int port = server.localAddress().getPort();
        try (MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            client.connect(server.localAddress());
            Thread.sleep(200);
            Thread[] io = threads("udpnet-server-" + port + "-");
            assertTrue(io.length > 0);
            long before = Arrays.stream(io).mapToLong(t -> mx.getThreadCpuTime(t.threadId())).sum();
            Thread.sleep(1000);
            long after = Arrays.stream(io).mapToLong(t -> mx.getThreadCpuTime(t.threadId())).sum();
            // A spinning loop would use the whole second; one that sleeps between keep-alives uses almost nothing.
            assertTrue(after - before < 100_000_000L, "idle I/O threads used " + (after - before) / 1000 + " µs");
        } finally {
            server.close();
        }
        assertEquals(0, threads("udpnet-server-" + port + "-").length, "close() stopped the I/O threads");
        server.close();   // idempotent
    }

    private static Thread[] threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
                .toArray(Thread[]::new);
    }

    /** A client that vanishes without a goodbye: the server's connected socket hears ICMP port unreachable. */
    @Test
    void aConnectedServerSocketEndsTheConnectionOnPortUnreachable() throws Exception {
        CopyOnWriteArrayList<DisconnectReason> closed = new CopyOnWriteArrayList<>();
        MessageConnectionListener listener = new MessageConnectionListener() {
            @Override
            public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
            }

            @Override
            public void onClosed(MessageConnection c, DisconnectReason reason) {
                closed.add(reason);
            }
        };
        MessageServerConfig config = MessageServerConfig.builder().mode(ServerMode.CONNECTED).listener(listener)
                .build();
        try (MessageServer server = MessageServer.open(config)) {
            DatagramChannel raw = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            raw.connect(server.localAddress());
            handshake(raw, ConnectionConfig.defaults());
            raw.close();   // gone, without a DISCONNECT
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (closed.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(closed.isEmpty(), "the connection did not end");
            assertEquals(DisconnectCode.UNREACHABLE, closed.get(0).code());
            assertTrue(server.stats().unreachable() >= 1);
        }
    }

    /** Completes a client handshake with a bare engine over {@code ch}, which is connected to the server. */
    static void handshake(DatagramChannel ch, ConnectionConfig config) throws Exception {
        Connection engine = Connection.connect(config, ByteBuffer.allocate(0), new ConnectionListener() {
            @Override
            public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
            }
        }, new java.util.SplittableRandom(5), System.nanoTime());
        ByteBuffer out = ByteBuffer.allocate(config.maxDatagramSize());
        ByteBuffer in = ByteBuffer.allocate(config.maxDatagramSize());
        ch.configureBlocking(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (engine.state() == Connection.State.CONNECTING && System.nanoTime() < deadline) {
            while (engine.pollTransmit(out, System.nanoTime()) > 0) {
                ch.write(out);
            }
            in.clear();
            if (ch.read(in) > 0) {
                engine.handleDatagram(in.flip(), System.nanoTime());
            } else {
                Thread.sleep(1);
            }
        }
        assertEquals(Connection.State.CONNECTED, engine.state());
    }
}
