package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.impair.LinkConfig;
import io.udpnet.sim.ConnectionNode;
import io.udpnet.sim.DatagramOutbox;
import io.udpnet.sim.ServerEndpointNode;
import io.udpnet.sim.SimNode;
import io.udpnet.sim.Simulation;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an idle connection costs in datagrams and wake-ups with the default configuration: one keep-alive from the
 * client and the server's ack per keep-alive interval; the server polled once for that exchange (it answers the
 * keep-alive at once), the client a couple of times.
 */
class IdleCostTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 7000);
    static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.2", 7001);
    static final long SEED = 41;

    /** Counts the polls of the node it wraps. */
    static final class CountingNode implements SimNode {
        final SimNode node;
        long polls;

        CountingNode(SimNode node) {
            this.node = node;
        }

        @Override
        public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            node.onDatagram(from, datagram, nowNanos);
        }

        @Override
        public void poll(long nowNanos, DatagramOutbox outbox) {
            polls++;
            node.poll(nowNanos, outbox);
        }

        @Override
        public long nextDeadline() {
            return node.nextDeadline();
        }
    }

    /** A client connected to a server endpoint over a 20 ms link in the simulator, both ends' polls counted. */
    record Pair(Simulation sim, Recorder serverSide, Recorder clientSide, Connection client, CountingNode serverNode,
                CountingNode clientNode) {
        static Pair connected(ConnectionConfig config) {
            Simulation sim = new Simulation(SEED);
            Recorder serverSide = new Recorder(sim::nowNanos);
            ServerEndpoint server = new ServerEndpoint(config, ServerEndpointConfig.defaults(),
                    (from, payload) -> Admission.accept(serverSide), new SplittableRandom(SEED));
            CountingNode serverNode = new CountingNode(new ServerEndpointNode(server));
            sim.addNode(SERVER, serverNode);
            Recorder clientSide = new Recorder(sim::nowNanos);
            Connection c = Connection.connect(config, ByteBuffer.allocate(0), clientSide, new SplittableRandom(~SEED),
                    0);
            CountingNode clientNode = new CountingNode(new ConnectionNode(c, SERVER));
            sim.addNode(CLIENT, clientNode);
            sim.linkBoth(SERVER, CLIENT, LinkConfig.builder().latency(Duration.ofMillis(20)).build());
            assertTrue(sim.runUntil(() -> serverSide.connected != null && clientSide.connected != null,
                    Duration.ofSeconds(2).toNanos()), "seed " + SEED);
            return new Pair(sim, serverSide, clientSide, c, serverNode, clientNode);
        }
    }

    @Test
    void anIdleConnectionExchangesOneKeepAliveAndOneAckPerInterval() {
        ConnectionConfig config = ConnectionConfig.defaults();
        Pair p = Pair.connected(config);
        Simulation sim = p.sim();
        Recorder serverSide = p.serverSide();
        Connection c = p.client();
        CountingNode serverNode = p.serverNode();
        CountingNode clientNode = p.clientNode();
        sim.schedule(sim.nowNanos(), () -> c.send(0, ByteBuffer.wrap(new byte[] {1})));
        sim.runFor(Duration.ofSeconds(1).toNanos());

        long sentBefore = c.stats().datagramsSent() + serverSide.connected.stats().datagramsSent();
        long serverPolls = serverNode.polls;
        long clientPolls = clientNode.polls;
        long idle = Duration.ofMinutes(10).toNanos();
        sim.runFor(idle);

        long intervals = idle / config.keepAliveNanos();
        long sent = c.stats().datagramsSent() + serverSide.connected.stats().datagramsSent() - sentBefore;

        assertEquals(Connection.State.CONNECTED, c.state());
        assertTrue(sent >= 2 * intervals - 2 && sent <= 2 * intervals + 2,
                sent + " datagrams in " + intervals + " keep-alive intervals: one keep-alive and one ack each");
        assertTrue(serverSide.connected.stats().ackElicitingSent() <= 2,
                "the client keeps the connection alive; the server only answers");
        // The keep-alive is acknowledged at once: one poll per interval, none for an ack timer.
        assertTrue(serverNode.polls - serverPolls <= intervals + 2,
                "server polled " + (serverNode.polls - serverPolls) + " times in " + intervals + " intervals");
        assertTrue(clientNode.polls - clientPolls <= 2 * intervals + 2,
                "client polled " + (clientNode.polls - clientPolls) + " times in " + intervals + " intervals");
    }

    @Test
    void eachEndIsToldOnceWhenItGoesQuietAndAgainAfterTheNextMessages() {
        Pair p = Pair.connected(ConnectionConfig.defaults());
        Simulation sim = p.sim();
        Recorder serverSide = p.serverSide();
        Recorder client = p.clientSide();
        Connection c = p.client();
        for (int round = 1; round <= 2; round++) {
            for (int i = 0; i < 50; i++) {
                sim.schedule(sim.nowNanos() + i * 20_000_000L, () -> c.send(0, ByteBuffer.wrap(new byte[] {1, 2})));
            }
            sim.runFor(Duration.ofSeconds(2).toNanos());
            assertEquals(round - 1, client.idles, "busy: not idle again yet, seed " + SEED);
            sim.runFor(Duration.ofMinutes(2).toNanos());
            assertEquals(round, client.idles, "client, round " + round + ", seed " + SEED);
            assertEquals(round, serverSide.idles, "server, round " + round + ", seed " + SEED);
        }
    }
}
