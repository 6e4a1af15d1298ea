package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.HeapWalk;
import io.udpnet.io.IoLoop;
import io.udpnet.io.Poller;
import io.udpnet.io.ServerMode;
import io.udpnet.io.SocketGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an idle {@link MessageConnection} keeps on the heap, engine included, on a {@link MessageServer} (one SHARED
 * socket) and on a {@link MessageClient} on loopback: counted by {@link HeapWalk} over everything the server's shard
 * (or the client's I/O side) reaches, less what it reached with one idle connection open, per connection added. The
 * walks run on the I/O threads, so they see a consistent graph. Not counted: configuration, the application's
 * listener, the I/O loop and its poller, and the JDK's socket channels with the local addresses they hold (a client's
 * connection has a socket of its own; its wrapper and registration are counted).
 */
@Timeout(120)
class MessageIdleMemoryTest {
    static final int CONNECTIONS = 200;
    /** Measured: 2,035 B on the server, 2,024 B on the client (the engine's own: 1,895 and 1,793 B, IdleMemoryTest). */
    static final long IDLE_BOUND = 2048;

    @Test
    void anIdleConnectionHoldsAtMostTwoKibibytesOnServerAndClient() throws Exception {
        // A short keep-alive, so that connections go idle (and give back their buffers) within two seconds.
        ConnectionConfig config = ConnectionConfig.defaults().toBuilder().keepAlive(Duration.ofSeconds(1)).build();
        List<MessageConnection> accepted = new CopyOnWriteArrayList<>();
        MessageConnectionListener echo = new MessageConnectionListener() {
            @Override
            public void onConnected(MessageConnection c) {
                accepted.add(c);
            }

            @Override
            public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
                try {
                    c.trySend(channel, message);
                } catch (ConnectionClosedException e) {
                    // the test's check that every echo arrived fails
                }
            }
        };
        MessageServerConfig serverConfig = MessageServerConfig.builder().mode(ServerMode.SHARED)
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).connection(config).listener(echo).build();
        MessageClientConfig clientConfig = MessageClientConfig.builder().connection(config).build();
        try (MessageServer server = MessageServer.open(serverConfig);
             MessageClient client = MessageClient.open(clientConfig)) {
            ServerShard shard = server.shard(0);
            IoLoop serverLoop = shard.group().loop();
            Object clientSide = field(client, "driver");
            IoLoop clientLoop = (IoLoop) field(client, "loop");
            Supplier<HeapWalk> serverWalk = () -> new HeapWalk().exclude(server, serverConfig, config, echo)
                    .exclude(SocketGroup.class).exclude(IoLoop.class).exclude(SecureRandom.class)
                    .exclude(javax.crypto.Mac.class);
            Supplier<HeapWalk> clientWalk = () -> new HeapWalk().exclude(clientConfig, config)
                    .exclude(IoLoop.class).exclude(Poller.class).exclude(DatagramChannel.class)
                    .exclude(SecureRandom.class).exclude(socketAddresses(clientSide));
            // One connection first, so that what either end makes once, for its first connection, is in the
            // baseline rather than shared out among the connections measured.
            List<MessageConnection> connections = new ArrayList<>();
            exchange(connect(client, server, connections, 1), 0);
            awaitIdle(connections, accepted);
            HeapWalk baseServer = onLoop(serverLoop, () -> walked(serverWalk.get(), shard));
            HeapWalk baseClient = onLoop(clientLoop, () -> walked(clientWalk.get(), clientSide));

            List<MessageConnection> added = connect(client, server, connections, CONNECTIONS);
            exchange(added, 0);
            assertEquals(CONNECTIONS + 1, server.connectionCount());
            assertEquals(CONNECTIONS + 1, accepted.size());
            awaitIdle(connections, accepted);

            HeapWalk serverSide = onLoop(serverLoop, () -> walked(serverWalk.get(), shard));
            HeapWalk clientHeap = onLoop(clientLoop, () -> walked(clientWalk.get(), clientSide));
            long perServer = (serverSide.bytes() - baseServer.bytes()) / CONNECTIONS;
            long perClient = (clientHeap.bytes() - baseClient.bytes()) / CONNECTIONS;
            System.out.println("idle message connection: server " + perServer + " B, client " + perClient + " B ("
                    + CONNECTIONS + " connections)\nserver: " + serverSide.byClassSince(baseServer, CONNECTIONS)
                    + "\nclient: " + clientHeap.byClassSince(baseClient, CONNECTIONS));
            assertTrue(perServer <= IDLE_BOUND, "server: " + perServer + " B per idle connection; " + CONNECTIONS
                    + " connections hold " + serverSide.byClassSince(baseServer, CONNECTIONS));
            assertTrue(perClient <= IDLE_BOUND, "client: " + perClient + " B per idle connection; " + CONNECTIONS
                    + " connections hold " + clientHeap.byClassSince(baseClient, CONNECTIONS));

            // Used again, each connection still carries messages both ways, and goes idle again.
            exchange(connections, 1);
            awaitIdle(connections, accepted);
        }
    }

    private static List<MessageConnection> connect(MessageClient client, MessageServer server,
                                                   List<MessageConnection> all, int n) throws Exception {
        List<MessageConnection> made = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            made.add(client.connect(server.localAddress()));
        }
        all.addAll(made);
        return made;
    }

    /** Each connection sends a message on {@code channel} and receives the server's echo of it. */
    private static void exchange(List<MessageConnection> connections, int channel) throws Exception {
        for (int i = 0; i < connections.size(); i++) {
            connections.get(i).send(channel, ByteBuffer.allocate(4).putInt(0, i));
        }
        for (int i = 0; i < connections.size(); i++) {
            Message m = connections.get(i).receive(Duration.ofSeconds(10));
            assertNotNull(m, "echo " + i);
            assertEquals(channel, m.channel());
            assertArrayEquals(ByteBuffer.allocate(4).putInt(0, i).array(), m.data());
        }
    }

    /**
     * Waits (30 s at most; a keep-alive is due every second) until every connection on both sides has gone idle: the
     * engine told the layer above after a keep-alive exchange, and it let go of its buffers.
     */
    private static void awaitIdle(List<MessageConnection> clients, List<MessageConnection> servers)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(clients.stream().allMatch(c -> c.buffersHeld() == 0)
                && servers.stream().allMatch(c -> c.buffersHeld() == 0))) {
            assertTrue(System.nanoTime() - until < 0, "connections did not go idle in 30 s");
            Thread.sleep(50);
        }
    }

    /** Runs {@code walk} on {@code loop}'s thread, where the connections' state lives. */
    private static HeapWalk onLoop(IoLoop loop, Supplier<HeapWalk> walk) throws Exception {
        CompletableFuture<HeapWalk> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(walk.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    /**
     * The local address of each of the client's sockets: the JDK's channel holds it (the socket caches the very
     * object the channel returns), and the channel is not counted.
     */
    private static Object[] socketAddresses(Object clientSide) {
        try {
            List<Object> addresses = new ArrayList<>();
            for (Object port : ((java.util.Map<?, ?>) field(clientSide, "ports")).values()) {
                addresses.add(((io.udpnet.io.UdpSocket) field(port, "socket")).localAddress());
            }
            return addresses.toArray();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static HeapWalk walked(HeapWalk walk, Object root) {
        walk.add(root);
        return walk;
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        var f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }
}
