package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.impair.LinkConfig;
import io.udpnet.sim.ConnectionNode;
import io.udpnet.sim.DatagramOutbox;
import io.udpnet.sim.SimNode;
import io.udpnet.sim.Simulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several server endpoints behind one address and a hashing UDP load balancer, as docs/SCALING.md describes: the
 * balancer routes a data datagram by the server id in its token's low bits and anything else (handshakes) by a hash
 * of the client's address; the servers share a cookie secret, and each has its own reset key. Connections survive
 * their clients' change of address, and a restarted server's clients learn at once and reconnect while the other
 * servers' connections go on. Seeds are named.
 */
class BalancedServersTest {
    static final InetSocketAddress VIP = address(10, 0, 0, 1, 443);
    static final int SERVERS = 3;
    static final int ID_BITS = 2;
    static final int CLIENTS = 30;
    static final ConnectionConfig CONFIG = ConnectionConfig.defaults();
    static final byte[] COOKIE_SECRET = bytes(99);

    static InetSocketAddress address(int a, int b, int c, int d, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[]{(byte) a, (byte) b, (byte) c, (byte) d}),
                    port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] bytes(int seed) {
        byte[] b = new byte[32];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Appends a client's IPv4 address and port in front of a datagram (the balancer's tunnel to its servers). */
    static byte[] wrap(InetSocketAddress client, ByteBuffer datagram) {
        ByteBuffer b = ByteBuffer.allocate(6 + datagram.remaining());
        b.put(client.getAddress().getAddress()).putShort((short) client.getPort()).put(datagram.duplicate());
        return b.array();
    }

    static InetSocketAddress clientOf(ByteBuffer wrapped) {
        byte[] ip = new byte[4];
        wrapped.get(ip);
        int port = wrapped.getShort() & 0xFFFF;
        return address(ip[0] & 0xFF, ip[1] & 0xFF, ip[2] & 0xFF, ip[3] & 0xFF, port);
    }

    /** The load balancer at the VIP: by token's server id for data, by the client's address otherwise. */
    static final class Balancer implements SimNode {
        final InetSocketAddress[] servers;
        final ArrayDeque<Object[]> out = new ArrayDeque<>();

        Balancer(InetSocketAddress[] servers) {
            this.servers = servers;
        }

        @Override
        public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long now) {
            for (InetSocketAddress s : servers) {
                if (s.equals(from)) {   // a server's answer: out to the client, from the VIP
                    InetSocketAddress client = clientOf(datagram);
                    out.add(new Object[]{client, ByteBuffer.wrap(copy(datagram))});
                    return;
                }
            }
            int id = ServerEndpoint.tagOf(datagram, ID_BITS);
            int server = id >= 0 && id < servers.length ? id : Math.floorMod(from.hashCode(), servers.length);
            out.add(new Object[]{servers[server], ByteBuffer.wrap(wrap(from, datagram))});
        }

        private static byte[] copy(ByteBuffer b) {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            return a;
        }

        @Override
        public void poll(long now, DatagramOutbox outbox) {
            Object[] d;
            while ((d = out.poll()) != null) {
                outbox.send((InetSocketAddress) d[0], (ByteBuffer) d[1]);
            }
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }
    }

    /** A server endpoint behind the balancer: sees each client's own address, answers through the balancer. */
    static final class Backend implements SimNode {
        final ServerEndpoint endpoint;
        final ByteBuffer buffer = ByteBuffer.allocate(2048);

        Backend(ServerEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long now) {
            InetSocketAddress client = clientOf(datagram);
            endpoint.handleDatagram(client, datagram.slice(), now);
        }

        @Override
        public void poll(long now, DatagramOutbox outbox) {
            InetSocketAddress to;
            while ((to = endpoint.pollTransmit(buffer, now)) != null) {
                outbox.send(VIP, ByteBuffer.wrap(wrap(to, buffer)));
            }
        }

        @Override
        public long nextDeadline() {
            return endpoint.nextDeadline();
        }
    }

    /** Server side: echoes every message. */
    static final class Echo implements ConnectionListener {
        Connection connection;
        final ByteBuffer copy = ByteBuffer.allocate(2048);

        @Override
        public void onConnected(Connection c) {
            connection = c;
        }

        @Override
        public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
            connection.send(channel, copy.clear().put(0, buffer, offset, length).limit(length));
        }
    }

    Simulation sim;
    final InetSocketAddress[] servers = new InetSocketAddress[SERVERS];
    final ServerEndpoint[] endpoints = new ServerEndpoint[SERVERS];
    final Recorder[] clients = new Recorder[CLIENTS];
    final Connection[] connections = new Connection[CLIENTS];
    final InetSocketAddress[] at = new InetSocketAddress[CLIENTS];
    final int[] homes = new int[CLIENTS];

    ServerEndpoint startServer(int i, long seed) {
        ServerEndpoint e = new ServerEndpoint(CONFIG, ServerEndpointConfig.builder().cookieSecret(COOKIE_SECRET)
                .resetKey(bytes(1000 + i)).build(), (from, payload) -> Admission.accept(new Echo()),
                new SplittableRandom(seed * 31 + i));
        e.tokenTag(ID_BITS, i);
        endpoints[i] = e;
        sim.addNode(servers[i], new Backend(e));
        return e;
    }

    void connect(int i, InetSocketAddress from, long seed) {
        clients[i] = new Recorder(sim::nowNanos);
        connections[i] = Connection.connect(CONFIG, ByteBuffer.allocate(0), clients[i],
                new SplittableRandom(seed * 1000 + i), sim.nowNanos());
        at[i] = from;
        sim.addNode(from, new ConnectionNode(connections[i], VIP));
    }

    void setUp(long seed) {
        sim = new Simulation(seed);
        sim.setDefaultLink(LinkConfig.builder().latency(Duration.ofMillis(5)).jitter(Duration.ofMillis(1))
                .loss(0.01).build());
        for (int i = 0; i < SERVERS; i++) {
            servers[i] = address(10, 0, 1, i + 1, 443);
            startServer(i, seed);
        }
        sim.addNode(VIP, new Balancer(servers));
        for (int i = 0; i < CLIENTS; i++) {
            connect(i, address(192, 168, i / 200, 1 + i % 200, 5000 + i), seed);
        }
        assertTrue(sim.runUntil(this::allConnected, Duration.ofSeconds(10).toNanos()), "seed " + seed);
        for (int i = 0; i < CLIENTS; i++) {
            homes[i] = (int) (connections[i].token() & (1 << ID_BITS) - 1);
        }
    }

    boolean allConnected() {
        for (Recorder r : clients) {
            if (r.connected == null || r.disconnected != null) {
                return false;
            }
        }
        return true;
    }

    /** Every client sends {@code text}; true when all echoes are back. */
    boolean echoAll(String text, long seed) {
        int[] before = new int[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            before[i] = clients[i].messages.size();
        }
        sim.schedule(sim.nowNanos(), () -> {
            for (int i = 0; i < CLIENTS; i++) {
                connections[i].send(0, ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        });
        return sim.runUntil(() -> {
            for (int i = 0; i < CLIENTS; i++) {
                if (clients[i].messages.size() <= before[i]) {
                    return false;
                }
            }
            return true;
        }, Duration.ofSeconds(5).toNanos());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void connectionsFollowTheirClientsToNewAddressesOnTheServerThatHasThem(long seed) {
        setUp(seed);
        int[] perServer = new int[SERVERS];
        for (int home : homes) {
            perServer[home]++;
        }
        for (int n : perServer) {
            assertTrue(n > 0, "seed " + seed + ": the hash spreads clients over every server: "
                    + java.util.Arrays.toString(perServer));
        }
        assertTrue(echoAll("before", seed), "seed " + seed);
        // Every client's NAT gives it a new address and port: the balancer's hash of it now points anywhere.
        for (int i = 0; i < CLIENTS; i++) {
            sim.removeNode(at[i]);
            at[i] = address(172, 16, i / 200, 1 + i % 200, 20_000 + i);
            sim.addNode(at[i], new ConnectionNode(connections[i], VIP));
        }
        assertTrue(echoAll("after the move", seed), "seed " + seed);
        assertTrue(echoAll("and again", seed), "seed " + seed);
        for (int i = 0; i < CLIENTS; i++) {
            assertNull(clients[i].disconnected, "seed " + seed + ": client " + i);
            Connection there = endpoints[homes[i]].connection(connections[i].token());
            assertEquals(at[i], there.remoteAddress(), "seed " + seed + ": the server followed client " + i + " "
                    + endpoints[homes[i]].stats() + " " + clients[i].messages + " " + sim.unknownDestinationDrops());
        }
        long resets = 0;
        for (ServerEndpoint e : endpoints) {
            resets += e.stats().resets();
        }
        assertEquals(0, resets, "seed " + seed + ": no datagram reached a server that did not have its connection");
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void aRestartedServersClientsReconnectAtOnceAndTheOthersCarryOn(long seed) {
        setUp(seed);
        int restarted = homes[0];
        sim.removeNode(servers[restarted]);   // a crash: no goodbye
        startServer(restarted, seed + 100);
        long restartedAt = sim.nowNanos();
        List<Integer> orphans = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            if (homes[i] == restarted) {
                orphans.add(i);
            }
        }
        // Everyone sends: the orphans' datagrams reach the restarted server, which answers with resets.
        sim.schedule(sim.nowNanos(), () -> {
            for (Connection c : connections) {
                c.send(0, ByteBuffer.wrap(new byte[]{7}));
            }
        });
        assertTrue(sim.runUntil(() -> orphans.stream().allMatch(i -> clients[i].disconnected != null),
                Duration.ofSeconds(5).toNanos()), "seed " + seed);
        for (int i : orphans) {
            assertEquals(DisconnectCode.RESET, clients[i].disconnected.code(), "seed " + seed + ": client " + i);
            assertTrue(clients[i].disconnectedAt - restartedAt < Duration.ofSeconds(1).toNanos(),
                    "seed " + seed + ": client " + i + " learnt within a second, not after the idle time-out");
        }
        for (int i = 0; i < CLIENTS; i++) {
            if (homes[i] != restarted) {
                assertNull(clients[i].disconnected, "seed " + seed + ": client " + i + " of another server");
            }
        }
        // The orphans' applications connect again, from the same addresses, and land by the hash.
        for (int i : orphans) {
            sim.removeNode(at[i]);
            connect(i, at[i], seed + 7);
        }
        assertTrue(sim.runUntil(this::allConnected, Duration.ofSeconds(10).toNanos()), "seed " + seed);
        assertTrue(echoAll("after the restart", seed), "seed " + seed);
    }
}
