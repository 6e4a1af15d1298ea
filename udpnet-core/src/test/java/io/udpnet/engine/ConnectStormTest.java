package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many clients connecting at once into one server endpoint, and clients that retry after a connect time-out from the
 * same address: everyone gets in, nobody is refused as SERVER_FULL, and retries replace their own half-open
 * connection instead of piling up. Seeds are named in every message.
 */
class ConnectStormTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.1", 7000);
    static final ConnectionConfig CONFIG = ConnectionConfig.defaults();

    static InetSocketAddress client(int i) {
        byte[] a = {10, 1, (byte) (i >> 8), (byte) i};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(a), 40_000);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * 10,000 clients send their REQUEST at the same instant into one endpoint, over links with 2% loss, 20 ms ± 5 ms
     * latency each way. The clients run in one {@link ClientEndpoint} and the datagrams in flight in a seeded queue
     * ordered by arrival: the same model as {@link io.udpnet.sim.Simulation}, which polls every node on each event
     * and is too slow for this many nodes. A client that times out tries again from the same address.
     */
    @Test
    void tenThousandClientsConnectingAtOnceAllGetIn() {
        assertEquals(0, storm(10_000, 10_000, ServerEndpointConfig.defaults()), "no retry needed at the default rate");
    }

    /**
     * The same with challenges limited to 2,000/s, so that many clients time out (5 s) before their turn: they retry
     * from the same address, and still every one gets in, with one connection each.
     */
    @Test
    void withASlowChallengeRateClientsRetryAndStillAllGetIn() {
        int retries = storm(10_001, 10_000, ServerEndpointConfig.builder().challengesPerSecond(2_000).build());
        assertTrue(retries > 0, "the scenario must make clients retry");
    }

    /** Runs the storm and returns the number of retries. */
    private static int storm(long seed, int clients, ServerEndpointConfig serverConfig) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] accepted = new int[1];
        ServerEndpoint server = new ServerEndpoint(CONFIG, serverConfig, (from, payload) -> {
            accepted[0]++;
            return Admission.accept((channel, b, offset, length) -> { });
        }, new SplittableRandom(seed));
        ClientEndpoint endpoint = new ClientEndpoint(new SplittableRandom(~seed));
        Connection[] connections = new Connection[clients];
        long[] clock = new long[1];
        int[] connected = new int[1];
        List<Integer> timedOut = new ArrayList<>();
        List<String> otherEnds = new ArrayList<>();
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
            }

            @Override
            public void onConnected(Connection connection) {
                connected[0]++;
            }

            @Override
            public void onDisconnected(Connection connection, DisconnectReason reason) {
                if (reason.code() == DisconnectCode.CONNECT_TIMED_OUT) {
                    timedOut.add((Integer) connection.attachment());
                } else {
                    otherEnds.add(connection.attachment() + ": " + reason);
                }
            }
        };
        for (int i = 0; i < clients; i++) {
            connections[i] = endpoint.connect(CONFIG, ByteBuffer.allocate(0), listener, 0);
            connections[i].attach(i);
        }
        PriorityQueue<Flight> flights = new PriorityQueue<>();
        long[] order = new long[1];
        ByteBuffer out = ByteBuffer.allocate(2048);
        int retries = 0;
        long end = Duration.ofSeconds(120).toNanos();
        while (clock[0] < end && connected[0] < clients) {
            long now = clock[0];
            while (!flights.isEmpty() && flights.peek().at <= now) {
                Flight f = flights.poll();
                if (f.to < 0) {
                    server.handleDatagram(client(f.from), ByteBuffer.wrap(f.data), now);
                } else {
                    endpoint.handleDatagram(connections[f.to], ByteBuffer.wrap(f.data), now);
                }
            }
            InetSocketAddress to;
            while ((to = server.pollTransmit(out, now)) != null) {
                send(flights, random, order, now, -1, indexOf(to), out);
            }
            Connection c;
            while ((c = endpoint.pollTransmit(out, now)) != null) {
                send(flights, random, order, now, (Integer) c.attachment(), -1, out);
            }
            assertEquals(List.of(), otherEnds, "seed " + seed);
            for (int i : timedOut) {
                // The application tries again, from the same address (MessageClient keeps the socket).
                connections[i] = endpoint.connect(CONFIG, ByteBuffer.allocate(0), listener, now);
                connections[i].attach(i);
                retries++;
            }
            timedOut.clear();
            long next = Math.min(server.nextDeadline(), endpoint.nextDeadline());
            if (!flights.isEmpty()) {
                next = Math.min(next, flights.peek().at);
            }
            clock[0] = Math.max(now + 1, next);
        }
        EndpointStats stats = server.stats();
        assertEquals(clients, connected[0], "seed " + seed + ": connected after " + clock[0] / 1e9 + " s, "
                + retries + " retries, " + stats);
        assertEquals(0, stats.rejected(), "seed " + seed + ": no SERVER_FULL or other refusal: " + stats);
        assertEquals(clients, server.connectionCount(), "seed " + seed + ": one connection per client: " + stats);
        System.out.printf("ConnectStormTest: %d clients in %.2f s of simulated time, %d retries, %d accepts, %s%n",
                clients, clock[0] / 1e9, retries, accepted[0], stats);
        return retries;
    }

    /** A datagram on its way: from client {@code from} to the server ({@code to} -1), or from the server to a client. */
    private record Flight(long at, long order, int from, int to, byte[] data) implements Comparable<Flight> {
        @Override
        public int compareTo(Flight o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
        }
    }

    /** Queues {@code out} with 2% loss and 20 ms ± 5 ms of latency. */
    private static void send(PriorityQueue<Flight> flights, SplittableRandom random, long[] order, long now, int from,
                             int to, ByteBuffer out) {
        if (random.nextDouble() < 0.02) {
            return;
        }
        byte[] data = new byte[out.limit()];
        out.get(0, data);
        long latency = Duration.ofMillis(15).toNanos() + random.nextLong(Duration.ofMillis(10).toNanos());
        flights.add(new Flight(now + latency, order[0]++, from, to, data));
    }

    private static int indexOf(InetSocketAddress a) {
        byte[] b = a.getAddress().getAddress();
        return (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    // ---- a retry from the same address, datagram by datagram --------------------------------------------------

    /** Runs a handshake by hand; the ACCEPT is returned to the caller, who may deliver it or lose it. */
    static ByteBuffer handshake(ServerEndpoint server, Connection client, InetSocketAddress from, long now) {
        ByteBuffer out = ByteBuffer.allocate(2048);
        ByteBuffer back = ByteBuffer.allocate(2048);
        assertTrue(client.pollTransmit(out, now) > 0);
        server.handleDatagram(from, out, now);
        assertNotNull(server.pollTransmit(back, now));
        client.handleDatagram(back, now);
        assertTrue(client.pollTransmit(out, now) > 0, "the RESPONSE");
        server.handleDatagram(from, out, now);
        assertEquals(from, server.pollTransmit(back, now));
        return back;
    }

    @Test
    void aClientRetryingFromTheSameAddressReplacesItsHalfOpenConnectionEvenAtTheCap() {
        Recorder[] serverSide = new Recorder[2];
        int[] n = new int[1];
        ServerEndpoint server = new ServerEndpoint(CONFIG, ServerEndpointConfig.builder().maxConnections(1).build(),
                (from, payload) -> Admission.accept(serverSide[n[0]++] = new Recorder(() -> 0)),
                new SplittableRandom(5));
        InetSocketAddress address = client(1);
        Recorder first = new Recorder(() -> 0);
        Connection attempt = Connection.connect(CONFIG, ByteBuffer.allocate(0), first, new SplittableRandom(6), 0);
        handshake(server, attempt, address, 0);   // its ACCEPT is lost
        assertEquals(1, server.connectionCount(), "half-open on the server");

        long later = CONFIG.connectTimeoutNanos();
        Recorder second = new Recorder(() -> 0);
        Connection retry = Connection.connect(CONFIG, ByteBuffer.allocate(0), second, new SplittableRandom(7), later);
        ByteBuffer accept = handshake(server, retry, address, later);
        retry.handleDatagram(accept, later);
        assertNotNull(second.connected, "recognised and accepted although the server is at its cap of 1");
        assertEquals(DisconnectCode.REPLACED, serverSide[0].connected.disconnectReason().code());
        ByteBuffer out = ByteBuffer.allocate(2048);
        while (server.pollTransmit(out, later) != null) {
            // the old connection's goodbye
        }
        assertEquals(1, server.connectionCount(), "replaced, not piled up");
        assertEquals(0, server.stats().rejected());

        Recorder stranger = new Recorder(() -> 0);
        Connection other = Connection.connect(CONFIG, ByteBuffer.allocate(0), stranger, new SplittableRandom(8), later);
        other.handleDatagram(handshake(server, other, client(2), later), later);
        assertNull(stranger.connected);
        assertEquals(DisconnectCode.SERVER_FULL, stranger.disconnected.code(), "the cap still holds for others");
    }
}
