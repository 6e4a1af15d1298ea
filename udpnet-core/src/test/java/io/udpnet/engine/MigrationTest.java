package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.sim.ConnectionNode;
import io.udpnet.sim.DatagramOutbox;
import io.udpnet.impair.LinkConfig;
import io.udpnet.impair.LinkStats;
import io.udpnet.sim.ServerEndpointNode;
import io.udpnet.sim.SimNode;
import io.udpnet.sim.Simulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client's change of address, end to end in the simulator (PROTOCOL.md section 8.3): a NAT rebinding in the middle
 * of a bulk transfer loses and duplicates nothing, and copies of the client's datagrams sent from another address
 * move nothing. Every assertion names its seed.
 */
class MigrationTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 7000);
    static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.2", 7001);
    static final InetSocketAddress REBOUND = new InetSocketAddress("127.0.0.2", 40123);
    static final InetSocketAddress SPOOF = new InetSocketAddress("127.0.0.66", 6666);
    static final InetSocketAddress REPLAYER = new InetSocketAddress("127.0.0.67", 6667);
    static final ConnectionConfig CONFIG = ConnectionConfig.defaults();
    static final int MESSAGES = 300;
    static final int MESSAGE_SIZE = 900;

    Simulation sim;
    ServerEndpoint server;
    Recorder client;
    Connection clientConnection;
    final List<Recorder> serverSide = new ArrayList<>();

    static LinkConfig lossy() {
        return LinkConfig.builder().loss(0.05).duplication(0.02).reorder(0.05).latency(Duration.ofMillis(20))
                .bandwidth(2_000_000).build();
    }

    /** Message {@code i}: its index, then filler up to {@value #MESSAGE_SIZE} bytes. */
    static String message(String prefix, int i) {
        String head = prefix + i + ":";
        return head + "x".repeat(MESSAGE_SIZE - head.length());
    }

    static List<String> expected(String prefix) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            l.add("0:" + message(prefix, i));
        }
        return l;
    }

    /** Runs the handshake and returns the server's side of the connection. */
    Recorder connect(long seed) {
        assertTrue(sim.runUntil(() -> client.connected != null && !serverSide.isEmpty(),
                Duration.ofSeconds(5).toNanos()), "seed " + seed + ": connected");
        return serverSide.get(0);
    }

    void setUp(long seed) {
        sim = new Simulation(seed);
        server = new ServerEndpoint(CONFIG, ServerEndpointConfig.defaults(), (from, payload) -> {
            Recorder r = new Recorder(sim::nowNanos);
            serverSide.add(r);
            return Admission.accept(r);
        }, new SplittableRandom(seed));
        sim.addNode(SERVER, new ServerEndpointNode(server));
        client = new Recorder(sim::nowNanos);
        clientConnection = Connection.connect(CONFIG, ByteBuffer.allocate(0), client, new SplittableRandom(~seed), 0);
    }

    /** Queues every message of both directions; they fit the send windows and buffers at once. */
    void queueBulk(Connection serverConnection) {
        for (int i = 0; i < MESSAGES; i++) {
            assertTrue(clientConnection.send(0, ByteBuffer.wrap(message("c", i).getBytes(StandardCharsets.UTF_8))));
            assertTrue(serverConnection.send(0, ByteBuffer.wrap(message("s", i).getBytes(StandardCharsets.UTF_8))));
        }
        sim.schedule(sim.nowNanos(), () -> { });
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void aNatRebindingInTheMiddleOfATransferLosesNothingAndMovesTheConnection(long seed) {
        setUp(seed);
        ConnectionNode node = new ConnectionNode(clientConnection, SERVER);
        sim.addNode(CLIENT, node);
        sim.linkBoth(SERVER, CLIENT, lossy());
        Recorder peer = connect(seed);
        Connection serverConnection = peer.connected;
        assertEquals(CLIENT, serverConnection.remoteAddress());
        LinkStats[] toOldAtMove = new LinkStats[1];
        peer.onAddressChange = () -> toOldAtMove[0] = sim.linkStats(SERVER, CLIENT);
        queueBulk(serverConnection);

        assertTrue(sim.runUntil(() -> peer.messages.size() >= MESSAGES / 3 && client.messages.size() >= MESSAGES / 3,
                Duration.ofSeconds(30).toNanos()), "seed " + seed + ": a third of the transfer before the rebinding");
        assertTrue(peer.messages.size() < MESSAGES && client.messages.size() < MESSAGES, "seed " + seed);
        // The NAT gives the client a new port: datagrams in flight to the old one are lost, new ones leave from it.
        sim.removeNode(CLIENT);
        sim.addNode(REBOUND, node);
        sim.linkBoth(SERVER, REBOUND, lossy());
        long reboundAt = sim.nowNanos();
        sim.schedule(reboundAt, () -> { });

        assertTrue(sim.runUntil(() -> peer.messages.size() == MESSAGES && client.messages.size() == MESSAGES,
                Duration.ofSeconds(60).toNanos()), "seed " + seed + ": transfer completes, server got "
                + peer.messages.size() + ", client got " + client.messages.size() + ", " + server.stats());
        assertEquals(expected("c"), peer.messages, "seed " + seed + ": in order, none lost or duplicated");
        assertEquals(expected("s"), client.messages, "seed " + seed + ": in order, none lost or duplicated");
        assertEquals(REBOUND, serverConnection.remoteAddress(), "seed " + seed);
        assertSame(serverConnection, server.connection(REBOUND), "seed " + seed);
        assertNull(server.connection(CLIENT), "seed " + seed);
        assertEquals(List.of(CLIENT, REBOUND), peer.addressChanges, "seed " + seed + ": moved once, app told");
        assertEquals(1, server.stats().migrations(), "seed " + seed);
        assertEquals(Connection.State.CONNECTED, clientConnection.state(), "seed " + seed);
        assertEquals(Connection.State.CONNECTED, serverConnection.state(), "seed " + seed);

        // Once moved, the server sends the old address nothing but challenges: old datagrams still queued on the
        // old path may arrive after the move, and they make the old address a candidate like any other.
        sim.runFor(Duration.ofSeconds(3).toNanos());
        long toOldAfter = sim.linkStats(SERVER, CLIENT).offeredDatagrams() - toOldAtMove[0].offeredDatagrams();
        long toOldBytes = sim.linkStats(SERVER, CLIENT).offeredBytes() - toOldAtMove[0].offeredBytes();
        assertTrue(toOldAfter <= PathValidation.MAX_CHALLENGES, "seed " + seed + ": " + toOldAfter);
        assertEquals(toOldAfter * PathValidation.CHALLENGE_DATAGRAM, toOldBytes, "seed " + seed);
        assertTrue(server.stats().pathChallenges() <= 2 * PathValidation.MAX_CHALLENGES, "seed " + seed + ": "
                + server.stats());
        assertEquals(Connection.State.CONNECTED, serverConnection.state(), "seed " + seed + ": keep-alives flow");
    }

    /** Forwards a copy of everything the client sends to the spoofer, which sends it on from its own address. */
    static final class CopyingClientNode extends ConnectionNode {
        private final ArrayDeque<byte[]> copies;
        final List<byte[]> all = new ArrayList<>();

        CopyingClientNode(Connection c, ArrayDeque<byte[]> copies) {
            super(c, SERVER);
            this.copies = copies;
        }

        @Override
        public void poll(long nowNanos, DatagramOutbox outbox) {
            super.poll(nowNanos, (to, d) -> {
                byte[] copy = new byte[d.remaining()];
                d.get(d.position(), copy);
                copies.add(copy);
                all.add(copy);
                outbox.send(to, d);
            });
        }
    }

    /** Sends the queued copies to the server from its own address; receives (and counts) but never answers. */
    static final class Spoofer implements SimNode {
        private final ArrayDeque<byte[]> queue;
        long bytesReceived;
        long datagramsReceived;

        Spoofer(ArrayDeque<byte[]> queue) {
            this.queue = queue;
        }

        @Override
        public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            bytesReceived += datagram.remaining();
            datagramsReceived++;
        }

        @Override
        public void poll(long nowNanos, DatagramOutbox outbox) {
            byte[] d;
            while ((d = queue.poll()) != null) {
                outbox.send(SERVER, ByteBuffer.wrap(d));
            }
        }

        @Override
        public long nextDeadline() {
            return queue.isEmpty() ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void copiesFromASpoofedAddressRaceTheClientButMoveNothing(long seed) {
        setUp(seed);
        ArrayDeque<byte[]> copies = new ArrayDeque<>();
        CopyingClientNode node = new CopyingClientNode(clientConnection, copies);
        sim.addNode(CLIENT, node);
        sim.linkBoth(SERVER, CLIENT, lossy());
        Recorder peer = connect(seed);
        Connection serverConnection = peer.connected;

        // From now on an attacker on the path copies every client datagram and gets it to the server first.
        Spoofer spoofer = new Spoofer(copies);
        copies.clear();
        sim.addNode(SPOOF, spoofer);
        sim.linkBoth(SERVER, SPOOF, LinkConfig.builder().latency(Duration.ofMillis(1)).build());
        sim.link(CLIENT, SERVER, lossy().toBuilder().latency(Duration.ofMillis(25)).build());
        long startedAt = sim.nowNanos();
        queueBulk(serverConnection);

        assertTrue(sim.runUntil(() -> peer.messages.size() == MESSAGES && client.messages.size() == MESSAGES,
                Duration.ofSeconds(60).toNanos()), "seed " + seed + ": transfer completes despite the copies, "
                + server.stats());
        long elapsed = sim.nowNanos() - startedAt;
        assertEquals(expected("c"), peer.messages, "seed " + seed);
        assertEquals(expected("s"), client.messages, "seed " + seed);
        assertEquals(CLIENT, serverConnection.remoteAddress(), "seed " + seed + ": the connection did not move");
        assertSame(serverConnection, server.connection(CLIENT), "seed " + seed);
        assertNull(server.connection(SPOOF), "seed " + seed);
        assertEquals(0, server.stats().migrations(), "seed " + seed);
        assertTrue(peer.addressChanges.isEmpty(), "seed " + seed);

        // The spoofed address got challenges (the copies were valid and arrived first) and nothing else, within the
        // amplification limit and the rate the back-off allows.
        LinkStats fromSpoof = sim.linkStats(SPOOF, SERVER);
        LinkStats toSpoof = sim.linkStats(SERVER, SPOOF);
        assertTrue(fromSpoof.offeredDatagrams() > 100, "seed " + seed + ": the race was run");
        long challenges = server.stats().pathChallenges();
        assertTrue(challenges >= 1, "seed " + seed + ": " + server.stats());
        assertEquals(challenges, toSpoof.offeredDatagrams(), "seed " + seed + ": only challenges went there");
        assertEquals(challenges * PathValidation.CHALLENGE_DATAGRAM, spoofer.bytesReceived, "seed " + seed);
        assertTrue(toSpoof.offeredBytes() <= 3 * fromSpoof.offeredBytes(), "seed " + seed);
        // Each round of 4 challenges spans at least 15 first waits, and a wait is at least the minimum RTT (40 ms).
        long rounds = 1 + elapsed / (15 * Duration.ofMillis(40).toNanos());
        assertTrue(challenges <= PathValidation.MAX_CHALLENGES * rounds, "seed " + seed + ": " + challenges
                + " challenges in " + elapsed / 1_000_000 + " ms");

        // Old datagrams replayed from yet another address are duplicates: no challenge, no move, no reply at all.
        // The copier leaves first, and its address's validation runs out, so that none is pending to mask one.
        sim.removeNode(SPOOF);
        sim.runFor(Duration.ofSeconds(5).toNanos());
        long before = server.stats().pathChallenges();
        ArrayDeque<byte[]> replays = new ArrayDeque<>();
        for (byte[] d : node.all) {
            if (d[3] == 1 && replays.size() < 200) {   // data datagrams only: handshakes have their own replay rules
                replays.add(d);
            }
        }
        Spoofer replayer = new Spoofer(replays);
        sim.addNode(REPLAYER, replayer);
        sim.schedule(sim.nowNanos(), () -> { });
        sim.runFor(Duration.ofSeconds(2).toNanos());
        assertTrue(replays.isEmpty() && sim.linkStats(REPLAYER, SERVER).deliveredDatagrams() >= 200, "seed " + seed);
        assertEquals(before, server.stats().pathChallenges(), "seed " + seed + ": " + server.stats());
        assertEquals(0, replayer.datagramsReceived, "seed " + seed);
        assertEquals(0, sim.linkStats(SERVER, REPLAYER).offeredDatagrams(), "seed " + seed);
        assertEquals(CLIENT, serverConnection.remoteAddress(), "seed " + seed);
        assertEquals(Connection.State.CONNECTED, serverConnection.state(), "seed " + seed);
        assertEquals(Connection.State.CONNECTED, clientConnection.state(), "seed " + seed);
    }
}
