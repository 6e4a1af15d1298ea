package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.impair.LinkConfig;
import io.udpnet.sim.ConnectionNode;
import io.udpnet.sim.ServerEndpointNode;
import io.udpnet.sim.Simulation;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.StatelessReset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stateless resets (docs/PROTOCOL.md, section 8.5): a restarted server's clients close at once. Seeds are named. */
class StatelessResetTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 7000);
    static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.2", 7001);
    static final ConnectionConfig CONFIG = ConnectionConfig.defaults();

    static byte[] key(int seed) {
        byte[] key = new byte[StatelessReset.KEY_SIZE];
        new SplittableRandom(seed).nextBytes(key);
        return key;
    }

    static ServerEndpointConfig withKey(byte[] key) {
        return ServerEndpointConfig.builder().resetKey(key).build();
    }

    Simulation sim;
    Recorder client;
    Connection clientConnection;

    ServerEndpoint startServer(ServerEndpointConfig config, long seed) {
        ServerEndpoint server = new ServerEndpoint(CONFIG, config, (from, payload) ->
                Admission.accept(new Recorder(sim::nowNanos)), new SplittableRandom(seed));
        sim.addNode(SERVER, new ServerEndpointNode(server));
        return server;
    }

    /** A client connected to a server with {@code key}, then that server replaced by one with {@code restartKey}. */
    ServerEndpoint connectThenRestart(long seed, LinkConfig link, byte[] key, byte[] restartKey) {
        sim = new Simulation(seed);
        startServer(withKey(key), seed);
        client = new Recorder(sim::nowNanos);
        clientConnection = Connection.connect(CONFIG, ByteBuffer.allocate(0), client, new SplittableRandom(~seed), 0);
        sim.addNode(CLIENT, new ConnectionNode(clientConnection, SERVER));
        sim.linkBoth(SERVER, CLIENT, LinkConfig.builder().latency(Duration.ofMillis(20)).build());
        assertTrue(sim.runUntil(() -> client.connected != null, Duration.ofSeconds(5).toNanos()), "seed " + seed);
        sim.linkBoth(SERVER, CLIENT, link);
        sim.runFor(Duration.ofMillis(500).toNanos());
        sim.removeNode(SERVER);   // a crash: no goodbye
        return startServer(withKey(restartKey), seed + 1000);
    }

    void send(String text) {
        clientConnection.send(0, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        sim.schedule(sim.nowNanos(), () -> { });
    }

    @Test
    void aClientThatSendsToARestartedServerClosesWithinOneRoundTrip() {
        long seed = 1;
        ServerEndpoint restarted = connectThenRestart(seed, LinkConfig.builder().latency(Duration.ofMillis(20)).build(),
                key(1), key(1));
        long sentAt = sim.nowNanos();
        send("anyone there?");
        assertTrue(sim.runUntil(() -> client.disconnected != null, Duration.ofSeconds(5).toNanos()), "seed " + seed);
        assertEquals(DisconnectCode.RESET, client.disconnected.code());
        assertTrue(client.disconnected.remote());
        long took = client.disconnectedAt - sentAt;
        assertTrue(took <= Duration.ofMillis(41).toNanos(), "one round trip of 40 ms, took " + took / 1e6 + " ms");
        assertEquals(1, restarted.stats().resets());
        assertEquals(0, restarted.peerStateEntries(), "a reset leaves no state on the server");
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 4, 5, 6, 7})
    void underLossTheClientStillLearnsLongBeforeItsIdleTimeOut(long seed) {
        LinkConfig lossy = LinkConfig.builder().loss(0.3).duplication(0.1).reorder(0.1)
                .latency(Duration.ofMillis(25)).build();
        connectThenRestart(seed, lossy, key(2), key(2));
        long sentAt = sim.nowNanos();
        send("hello again");
        assertTrue(sim.runUntil(() -> client.disconnected != null, CONFIG.idleTimeoutNanos()), "seed " + seed);
        assertEquals(DisconnectCode.RESET, client.disconnected.code(), "seed " + seed);
        // The reset or the datagram it answers is lost 51% of the time; each probe time-out (doubling, at most
        // 2.5 s) sends again, so a few losses in a row cost seconds, still a third of the idle time-out at most.
        assertTrue(client.disconnectedAt - sentAt < Duration.ofSeconds(10).toNanos(),
                "seed " + seed + ": took " + (client.disconnectedAt - sentAt) / 1e6 + " ms");
    }

    @Test
    void anIdleClientLearnsAtItsNextKeepAlive() {
        connectThenRestart(8, LinkConfig.builder().latency(Duration.ofMillis(10)).build(), key(3), key(3));
        long restartedAt = sim.nowNanos();
        assertTrue(sim.runUntil(() -> client.disconnected != null, CONFIG.idleTimeoutNanos()), "seed 8");
        assertEquals(DisconnectCode.RESET, client.disconnected.code());
        assertTrue(client.disconnectedAt - restartedAt <= CONFIG.keepAliveNanos() + Duration.ofMillis(100).toNanos(),
                "the keep-alive's reset, not the idle time-out: " + (client.disconnectedAt - restartedAt) / 1e6 + " ms");
    }

    @Test
    void aResetFromAServerWithAnotherKeyClosesNothing() {
        ServerEndpoint other = connectThenRestart(9, LinkConfig.builder().latency(Duration.ofMillis(10)).build(),
                key(4), key(5));
        send("to a stranger");
        sim.runFor(Duration.ofSeconds(2).toNanos());
        assertTrue(other.stats().resets() >= 1, "the stranger answered");
        assertNull(client.disconnected, "but its proof is not the one the ACCEPT carried");
        assertEquals(Connection.State.CONNECTED, clientConnection.state());
    }

    // ---- the endpoint's rules, datagram by datagram -------------------------------------------------------------

    /** A data datagram of {@code token} with a valid CRC: one small message. */
    static ByteBuffer dataDatagram(long token) {
        Connection c = Connection.established(CONFIG, token, (channel, b, offset, length) -> { });
        c.send(0, ByteBuffer.wrap(new byte[]{1}));
        ByteBuffer out = ByteBuffer.allocate(2048);
        int n = c.pollTransmit(out, 0);
        assertTrue(n >= DataHeader.OVERHEAD);
        return out;
    }

    static int drain(ServerEndpoint server, ByteBuffer out, long now) {
        int n = 0;
        while (server.pollTransmit(out, now) != null) {
            n++;
        }
        return n;
    }

    @Test
    void answersOnlyIntactDataDatagramsWithAResetSmallerThanThemAndItselfNever() {
        byte[] key = key(6);
        ServerEndpoint server = new ServerEndpoint(CONFIG, withKey(key), (f, p) -> Admission.reject("no"),
                new SplittableRandom(6));
        long token = 0x0102030405060708L;
        ByteBuffer datagram = dataDatagram(token);
        int length = datagram.limit();
        ByteBuffer out = ByteBuffer.allocate(2048);

        server.handleDatagram(CLIENT, datagram.duplicate(), 0);
        assertEquals(CLIENT, server.pollTransmit(out, 0));
        assertEquals(StatelessReset.SIZE, out.limit());
        assertTrue(out.limit() < length, "smaller than what it answers");
        byte[] proof = new byte[16];
        new StatelessReset(key).proof(token, proof);
        ByteBuffer p = ByteBuffer.wrap(proof);
        assertTrue(StatelessReset.matches(out, out.limit(), token, p.getLong(0), p.getLong(8)));
        ByteBuffer reset = ByteBuffer.allocate(StatelessReset.SIZE).put(0, out, 0, StatelessReset.SIZE);

        ByteBuffer corrupted = datagram.duplicate();
        corrupted.put(DataHeader.LENGTH, (byte) (corrupted.get(DataHeader.LENGTH) ^ 1));
        server.handleDatagram(CLIENT, corrupted, 0);
        server.handleDatagram(CLIENT, datagram.duplicate().limit(DataHeader.OVERHEAD - 1), 0);
        server.handleDatagram(CLIENT, reset, 0);
        assertEquals(0, drain(server, out, 0), "a bad CRC, a short datagram and a reset get no answer");
        assertEquals(1, server.stats().resets());
        assertEquals(0, server.peerStateEntries());
    }

    @Test
    void resetsKeepToTheConfiguredRate() {
        ServerEndpoint server = new ServerEndpoint(CONFIG, ServerEndpointConfig.builder().resetKey(key(7))
                .resetsPerSecond(100).build(), (f, p) -> Admission.reject("no"), new SplittableRandom(7));
        ByteBuffer out = ByteBuffer.allocate(2048);
        int answered = 0;
        long now = 5_000_000_000L;
        for (int i = 0; i < 50; i++) {
            server.handleDatagram(CLIENT, dataDatagram(1000 + i), now);
            answered += drain(server, out, now);
        }
        assertEquals(10, answered, "a burst of a tenth of the rate, at least 10");
        assertEquals(40, server.stats().resetsLimited());
        now += Duration.ofMillis(100).toNanos();   // 10 more tokens
        for (int i = 0; i < 50; i++) {
            server.handleDatagram(CLIENT, dataDatagram(2000 + i), now);
            answered += drain(server, out, now);
        }
        assertEquals(20, answered);

        ServerEndpoint silent = new ServerEndpoint(CONFIG, ServerEndpointConfig.builder().resetsPerSecond(0).build(),
                (f, p) -> Admission.reject("no"), new SplittableRandom(8));
        silent.handleDatagram(CLIENT, dataDatagram(1), now);
        assertEquals(0, drain(silent, out, now), "0 turns resets off");
    }
}
