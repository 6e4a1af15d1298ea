package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.sim.ConnectionNode;
import io.udpnet.impair.LinkConfig;
import io.udpnet.sim.ServerEndpointNode;
import io.udpnet.sim.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handshake, liveness and closing, end to end in the simulator. Every test names its seed. */
class HandshakeSimulationTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 7000);
    static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.2", 7001);
    static final ConnectionConfig CONFIG = ConnectionConfig.defaults();

    final List<Recorder> serverSide = new ArrayList<>();
    Simulation sim;
    ServerEndpoint server;
    Recorder client;
    Connection clientConnection;

    void setUp(long seed, LinkConfig link, AdmissionPolicy acceptor, ServerEndpointConfig serverConfig, ConnectionConfig clientConfig,
               String payload) {
        sim = new Simulation(seed);
        server = new ServerEndpoint(CONFIG, serverConfig, acceptor, new SplittableRandom(seed));
        sim.addNode(SERVER, new ServerEndpointNode(server));
        client = new Recorder(sim::nowNanos);
        clientConnection = Connection.connect(clientConfig, ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)),
                client, new SplittableRandom(~seed), 0);
        sim.addNode(CLIENT, new ConnectionNode(clientConnection, SERVER));
        sim.linkBoth(SERVER, CLIENT, link);
    }

    AdmissionPolicy acceptAll() {
        return (from, payload) -> {
            Recorder r = new Recorder(sim::nowNanos);
            serverSide.add(r);
            return Admission.accept(r);
        };
    }

    static LinkConfig lossy(int latencyMs) {
        return LinkConfig.builder().loss(0.2).duplication(0.1).reorder(0.1).latency(Duration.ofMillis(latencyMs))
                .build();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void connectExchangeAndDisconnectUnderLossDuplicationAndReordering(long seed) {
        setUp(seed, lossy(20), acceptAll(), ServerEndpointConfig.defaults(), CONFIG, "hello");
        clientConnection.send(0, ByteBuffer.wrap("queued while connecting".getBytes(StandardCharsets.UTF_8)));
        assertTrue(sim.runUntil(() -> client.connected != null && !serverSide.isEmpty()
                && serverSide.get(0).messages.size() == 1, Duration.ofSeconds(5).toNanos()), "seed " + seed);
        assertEquals(1, server.connectionCount(), "duplicated handshake datagrams must not create a second connection");
        Recorder peer = serverSide.get(0);
        assertEquals(List.of("0:queued while connecting"), peer.messages, "seed " + seed);
        assertTrue(clientConnection.handshakeNanos() >= Duration.ofMillis(80).toNanos(), "two round trips at least");

        peer.connected.send(0, ByteBuffer.wrap("welcome".getBytes(StandardCharsets.UTF_8)));
        sim.schedule(sim.nowNanos(), () -> { });
        assertTrue(sim.runUntil(() -> client.messages.size() == 1, Duration.ofSeconds(5).toNanos()), "seed " + seed);

        long closedAt = sim.nowNanos();
        clientConnection.close("bye now");
        sim.schedule(closedAt, () -> { });
        assertTrue(sim.runUntil(() -> peer.disconnected != null, Duration.ofSeconds(5).toNanos()), "seed " + seed);
        assertEquals(DisconnectCode.APPLICATION, peer.disconnected.code());
        assertEquals("bye now", peer.disconnected.text());
        assertTrue(peer.disconnected.remote());
        // Three copies of DISCONNECT at 20% loss: the server learns within one trip with probability 99.2%, and
        // always long before its 10 s idle time-out would have told it.
        assertTrue(peer.disconnectedAt - closedAt < Duration.ofSeconds(1).toNanos(), "seed " + seed);
        assertEquals(Connection.State.CLOSED, clientConnection.state());
        assertEquals(DisconnectCode.APPLICATION, client.disconnected.code());
        sim.runFor(Duration.ofMillis(100).toNanos());
        assertEquals(0, server.connectionCount(), "closed connections are forgotten");
    }

    @Test
    void aVanishedClientTimesOutOnTheServerAndAVanishedServerOnTheClient() {
        ConnectionConfig fast = CONFIG.toBuilder().idleTimeout(Duration.ofSeconds(3)).keepAlive(Duration.ofMillis(500))
                .build();
        sim = new Simulation(11);
        server = new ServerEndpoint(fast, ServerEndpointConfig.defaults(), acceptAll(), new SplittableRandom(11));
        sim.addNode(SERVER, new ServerEndpointNode(server));
        client = new Recorder(sim::nowNanos);
        clientConnection = Connection.connect(fast, ByteBuffer.allocate(0), client, new SplittableRandom(12), 0);
        sim.addNode(CLIENT, new ConnectionNode(clientConnection, SERVER));
        sim.linkBoth(SERVER, CLIENT, LinkConfig.builder().latency(Duration.ofMillis(10)).build());
        assertTrue(sim.runUntil(() -> client.connected != null, Duration.ofSeconds(2).toNanos()));

        // Keep-alives hold an idle connection open well past the idle time-out.
        sim.runFor(Duration.ofSeconds(20).toNanos());
        assertEquals(Connection.State.CONNECTED, clientConnection.state());
        assertNull(serverSide.get(0).disconnected);

        long vanished = sim.nowNanos();
        sim.removeNode(CLIENT);
        assertTrue(sim.runUntil(() -> serverSide.get(0).disconnected != null, Duration.ofSeconds(10).toNanos()));
        assertEquals(DisconnectCode.TIMED_OUT, serverSide.get(0).disconnected.code());
        long took = serverSide.get(0).disconnectedAt - vanished;
        assertTrue(took >= Duration.ofMillis(2500).toNanos() && took <= Duration.ofMillis(3100).toNanos(),
                "timed out after " + took / 1e6 + " ms; configured 3000 ms after the last datagram");
        assertEquals(0, server.connectionCount());
    }

    @Test
    void theClientTimesOutWhenTheServerVanishes() {
        setUp(13, LinkConfig.builder().latency(Duration.ofMillis(5)).build(), acceptAll(), ServerEndpointConfig.defaults(),
                CONFIG, "");
        assertTrue(sim.runUntil(() -> client.connected != null, Duration.ofSeconds(2).toNanos()));
        long vanished = sim.nowNanos();
        sim.removeNode(SERVER);
        assertTrue(sim.runUntil(() -> client.disconnected != null, CONFIG.idleTimeoutNanos() + Duration.ofSeconds(1)
                .toNanos()));
        assertEquals(DisconnectCode.TIMED_OUT, client.disconnected.code());
        assertTrue(client.disconnectedAt - vanished <= CONFIG.idleTimeoutNanos() + Duration.ofMillis(100).toNanos());
    }

    @Test
    void aClientThatNeverSendsAfterAcceptIsDroppedAfterTheConnectTimeOut() {
        setUp(15, LinkConfig.builder().latency(Duration.ofMillis(10)).build(), acceptAll(), ServerEndpointConfig.defaults(),
                CONFIG, "");
        // The client vanishes the moment the server accepts it: the ACCEPT, and the server's slot, go nowhere.
        assertTrue(sim.runUntil(() -> !serverSide.isEmpty(), Duration.ofSeconds(2).toNanos()));
        sim.removeNode(CLIENT);
        long acceptedAt = serverSide.get(0).connectedAt;
        assertEquals(1, server.connectionCount());
        assertTrue(sim.runUntil(() -> serverSide.get(0).disconnected != null, CONFIG.idleTimeoutNanos()));
        assertEquals(DisconnectCode.TIMED_OUT, serverSide.get(0).disconnected.code());
        assertEquals(acceptedAt + CONFIG.connectTimeoutNanos(), serverSide.get(0).disconnectedAt,
                "the connect time-out after the ACCEPT, not the idle time-out");
        sim.runFor(Duration.ofMillis(1).toNanos());
        assertEquals(0, server.connectionCount(), "the slot is free again");
    }

    @Test
    void anAcceptedClientConfirmsAtOnceAndAnIdleOneOutlivesTheConnectTimeOut() {
        setUp(16, LinkConfig.builder().latency(Duration.ofMillis(10)).build(), acceptAll(), ServerEndpointConfig.defaults(),
                CONFIG, "");
        assertTrue(sim.runUntil(() -> client.connected != null, Duration.ofSeconds(2).toNanos()));
        assertTrue(sim.runUntil(() -> serverSide.get(0).connected.stats().datagramsReceived() == 1,
                Duration.ofMillis(50).toNanos()), "the client's first data datagram follows the ACCEPT at once");
        sim.runFor(CONFIG.connectTimeoutNanos() * 2);
        assertNull(serverSide.get(0).disconnected, "a confirmed connection waits for the idle time-out only");
        assertEquals(1, server.connectionCount());
    }

    @Test
    void connectTimesOutWithoutAServer() {
        sim = new Simulation(14);
        client = new Recorder(sim::nowNanos);
        clientConnection = Connection.connect(CONFIG, ByteBuffer.allocate(0), client, new SplittableRandom(14), 0);
        sim.addNode(CLIENT, new ConnectionNode(clientConnection, SERVER));
        assertTrue(sim.runUntil(() -> client.disconnected != null, Duration.ofSeconds(30).toNanos()));
        assertEquals(DisconnectCode.CONNECT_TIMED_OUT, client.disconnected.code());
        assertEquals(CONFIG.connectTimeoutNanos(), client.disconnectedAt);
        assertTrue(sim.unknownDestinationDrops() >= 4 && sim.unknownDestinationDrops() <= 8,
                "requests resent with back-off, not flooded: " + sim.unknownDestinationDrops());
    }

    @Test
    void theApplicationCanRejectWithAReasonThatReachesTheClient() {
        setUp(15, lossy(10), (from, payload) -> {
            String token = StandardCharsets.UTF_8.decode(payload).toString();
            return token.equals("secret") ? Admission.accept(new Recorder(sim::nowNanos))
                    : Admission.reject("bad credentials: '" + token + "'");
        }, ServerEndpointConfig.defaults(), CONFIG, "guess");
        assertTrue(sim.runUntil(() -> client.disconnected != null, Duration.ofSeconds(5).toNanos()));
        assertEquals(DisconnectCode.REJECTED, client.disconnected.code());
        assertEquals("bad credentials: 'guess'", client.disconnected.text());
        assertTrue(client.disconnected.remote());
        assertEquals(0, server.connectionCount());
    }

    @Test
    void mismatchedChannelsAreRefusedWithAClearReason() {
        ConnectionConfig other = CONFIG.toBuilder().channels(Delivery.UNRELIABLE).build();
        setUp(16, LinkConfig.PERFECT, acceptAll(), ServerEndpointConfig.defaults(), other, "");
        assertTrue(sim.runUntil(() -> client.disconnected != null, Duration.ofSeconds(5).toNanos()));
        assertEquals(DisconnectCode.CONFIG_MISMATCH, client.disconnected.code());
        assertEquals("config differs: channels: client 1, server 4", client.disconnected.text());
        assertEquals(0, server.connectionCount());
    }

    @Test
    void aFullServerRejects() {
        setUp(17, LinkConfig.PERFECT, acceptAll(), ServerEndpointConfig.builder().maxConnections(1).build(), CONFIG, "");
        assertTrue(sim.runUntil(() -> client.connected != null, Duration.ofSeconds(5).toNanos()));
        InetSocketAddress second = new InetSocketAddress("127.0.0.3", 7002);
        Recorder r = new Recorder(sim::nowNanos);
        sim.addNode(second, new ConnectionNode(Connection.connect(CONFIG, ByteBuffer.allocate(0), r,
                new SplittableRandom(18), sim.nowNanos()), SERVER));
        sim.schedule(sim.nowNanos(), () -> { });
        assertTrue(sim.runUntil(() -> r.disconnected != null, Duration.ofSeconds(5).toNanos()));
        assertEquals(DisconnectCode.SERVER_FULL, r.disconnected.code());
        assertEquals(1, server.connectionCount());
    }

    @Test
    void serverShutdownTellsItsClients() {
        setUp(19, LinkConfig.builder().latency(Duration.ofMillis(5)).build(), acceptAll(), ServerEndpointConfig.defaults(),
                CONFIG, "");
        assertTrue(sim.runUntil(() -> client.connected != null, Duration.ofSeconds(2).toNanos()));
        server.close();
        sim.schedule(sim.nowNanos(), () -> { });
        assertTrue(sim.runUntil(() -> client.disconnected != null, Duration.ofSeconds(1).toNanos()));
        assertEquals(DisconnectCode.SHUTDOWN, client.disconnected.code());
        assertNotNull(serverSide.get(0).disconnected);
    }
}
