package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.impair.LinkConfig;
import io.udpnet.sim.ConnectionNode;
import io.udpnet.sim.ServerEndpointNode;
import io.udpnet.sim.Simulation;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an idle connection keeps on the heap, on the server and on the client, after it has carried traffic of every
 * kind (reliable and unreliable, whole and fragmented, with loss and reordering): counted over the object graph by
 * {@link HeapWalk}, so the figure is exact and the same on every run. On the server it is everything the endpoint
 * holds more than before the first client came, per connection (routing maps and timer heap included); on the
 * client, everything the connections reach but the configuration and the application's listeners.
 */
class IdleMemoryTest {
    static final int CLIENTS = 200;
    /** Measured: 1,849 B on the server, 1,765 B on the client, with all four channels used. */
    static final long IDLE_BOUND = 2048;
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 7000);
    static final long SEED = 31;

    final ConnectionConfig config = ConnectionConfig.defaults();
    final List<Echo> serverListeners = new ArrayList<>();
    final List<Counter> clientListeners = new ArrayList<>();
    final List<Connection> clients = new ArrayList<>();

    /** Server side: sends every message back on the channel it came from. */
    static final class Echo implements ConnectionListener {
        Connection connection;
        final ByteBuffer copy = ByteBuffer.allocate(1 << 16);

        @Override
        public void onConnected(Connection c) {
            connection = c;
        }

        @Override
        public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
            copy.clear().put(0, buffer, offset, length).limit(length);
            connection.send(channel, copy);
        }
    }

    /** Client side: counts the echoes per channel. */
    static final class Counter implements ConnectionListener {
        final int[] received = new int[4];

        @Override
        public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
            received[channel]++;
        }
    }

    @Test
    void anIdleConnectionHoldsAtMostTwoKibibytesOnEitherSideAndGrowsAgainWhenUsed() {
        Simulation sim = new Simulation(SEED);
        sim.setDefaultLink(LinkConfig.builder().latency(Duration.ofMillis(10)).jitter(Duration.ofMillis(3))
                .loss(0.02).reorder(0.02).build());
        AdmissionPolicy acceptor = (from, payload) -> {
            Echo e = new Echo();
            serverListeners.add(e);
            return Admission.accept(e);
        };
        SplittableRandom random = new SplittableRandom(SEED);
        ServerEndpoint server = new ServerEndpoint(config, ServerEndpointConfig.defaults(), acceptor, random);
        sim.addNode(SERVER, new ServerEndpointNode(server));
        long emptyServer = serverWalk(server, acceptor, random).add(server);
        for (int i = 0; i < CLIENTS; i++) {
            Counter listener = new Counter();
            Connection c = Connection.connect(config, ByteBuffer.allocate(0), listener, new SplittableRandom(i), 0);
            clientListeners.add(listener);
            clients.add(c);
            sim.addNode(new InetSocketAddress("127.0.1." + (i / 250), 10_000 + i), new ConnectionNode(c, SERVER));
        }
        assertTrue(sim.runUntil(() -> server.connectionCount() == CLIENTS
                && clients.stream().allMatch(c -> c.state() == Connection.State.CONNECTED),
                Duration.ofSeconds(10).toNanos()), "seed " + SEED);

        sendTraffic(sim);
        // Reliable echoes all come back; then a minute without messages, keep-alives only.
        assertTrue(sim.runUntil(() -> clientListeners.stream().allMatch(l -> l.received[0] == 41
                && l.received[1] == 41), Duration.ofSeconds(30).toNanos()), "seed " + SEED);
        sim.runFor(Duration.ofSeconds(60).toNanos());
        assertEquals(CLIENTS, server.connectionCount(), "keep-alives hold every connection open");

        HeapWalk serverWalk = serverWalk(server, acceptor, random);
        long perServerConnection = (serverWalk.add(server) - emptyServer) / CLIENTS;
        HeapWalk clientWalk = new HeapWalk().exclude(config).exclude(clientListeners.toArray());
        clients.forEach(clientWalk::add);
        long perClientConnection = clientWalk.bytes() / CLIENTS;
        System.out.println("idle connection: server " + perServerConnection + " B, client " + perClientConnection
                + " B (seed " + SEED + ", " + CLIENTS + " connections)\nserver: " + serverWalk.byClass() + "\nclient: " + clientWalk.byClass());
        assertTrue(perServerConnection <= IDLE_BOUND, "server: " + perServerConnection + " B per idle connection; "
                + CLIENTS + " connections hold " + serverWalk.byClass());
        assertTrue(perClientConnection <= IDLE_BOUND, "client: " + perClientConnection + " B per idle connection; "
                + CLIENTS + " connections hold " + clientWalk.byClass());

        // Used again, a connection grows back: a whole send window queued at once, and every message arrives.
        Connection first = clients.get(0);
        int[] accepted = new int[1];
        sim.schedule(sim.nowNanos(), () -> {
            for (int i = 0; i < config.sendWindow(); i++) {
                accepted[0] += first.send(0, ByteBuffer.allocate(20)) ? 1 : 0;
            }
        });
        sim.runFor(0);
        assertEquals(config.sendWindow(), accepted[0], "the whole window is taken at once");
        assertTrue(sim.runUntil(() -> clientListeners.get(0).received[0] == 41 + config.sendWindow(),
                Duration.ofSeconds(30).toNanos()), "seed " + SEED);
        sendTraffic(sim);
        assertTrue(sim.runUntil(() -> clientListeners.stream().allMatch(l -> l.received[1] == 82),
                Duration.ofSeconds(30).toNanos()), "seed " + SEED);
    }

    /** On every client: 40 small messages and a fragmented one on each channel. */
    private void sendTraffic(Simulation sim) {
        sim.schedule(sim.nowNanos(), () -> {
            for (Connection c : clients) {
                for (int channel = 0; channel < 4; channel++) {
                    for (int i = 0; i < 40; i++) {
                        c.send(channel, ByteBuffer.allocate(10 + i));
                    }
                    c.send(channel, ByteBuffer.allocate(channel < 2 ? 5000 : 2500));
                }
            }
        });
    }

    private HeapWalk serverWalk(ServerEndpoint server, AdmissionPolicy acceptor, SplittableRandom random) {
        // The cookie key's MAC is the endpoint's, created with the first cookie: it belongs to no connection.
        return new HeapWalk().exclude(config, acceptor, random).exclude(serverListeners.toArray())
                .exclude(javax.crypto.Mac.class);
    }
}
