package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.sim.ConnectionNode;
import io.udpnet.impair.LinkConfig;
import io.udpnet.sim.ServerEndpointNode;
import io.udpnet.sim.Simulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ServerEndpointConfig#receiveMemoryBytes()}: the out-of-order and partial messages of all a server's connections are
 * held under one limit, beyond which only the message each reliable channel waits for is taken, and a connection
 * gives back what it held when it ends. In the simulator, with loss and reordering so that receivers hold data.
 */
class SharedReceiveMemoryTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 7000);
    private static final ConnectionConfig CONFIG = ConnectionConfig.defaults();
    private static final int CLIENTS = 3;
    private static final int MESSAGES = 60;
    private static final int SIZE = 20_000;
    private static final long LIMIT = 64 << 10;
    /** The limit, plus one message in progress per reliable channel of each connection (PROTOCOL.md section 7). */
    private static final long BOUND = LIMIT + CLIENTS * SIZE;

    /** Per client: the next message number expected, checked against what each message carries. */
    private final List<int[]> expected = new ArrayList<>();
    private long peak;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void heldBytesStayUnderTheLimitAndEveryMessageStillArrivesInOrder(long seed) {
        run(seed, ServerEndpointConfig.builder().receiveMemoryBytes(LIMIT).build());
        assertTrue(peak <= BOUND, "seed " + seed + ": held " + peak + " bytes, bound " + BOUND);
        for (int[] next : expected) {
            assertEquals(MESSAGES, next[0], "seed " + seed + ": every message, in order, exactly once");
        }
        // Buffers kept for reuse stay counted until the connections go idle and let their pools go.
        assertTrue(sim.runUntil(() -> server.stats().receiveMemoryHeld() == 0,
                        CONFIG.keepAliveNanos() + Duration.ofSeconds(1).toNanos()),
                "seed " + seed + ": nothing held once all is delivered and the connections are idle; held "
                        + server.stats().receiveMemoryHeld());
        assertTrue(refused > 0, "seed " + seed + ": the limit was reached, so datagrams were refused");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void withoutTheLimitTheSameTrafficHoldsMore(long seed) {
        run(seed, ServerEndpointConfig.defaults());
        assertTrue(peak > BOUND, "seed " + seed + ": the scenario must stress the limit; peak " + peak);
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void aConnectionThatEndsGivesBackWhatItHeld(long seed) {
        ConnectionConfig fast = CONFIG.toBuilder().idleTimeout(Duration.ofSeconds(1)).keepAlive(Duration.ofMillis(300))
                .build();
        Simulation sim = new Simulation(seed);
        server = new ServerEndpoint(fast, ServerEndpointConfig.defaults(), acceptor(), new SplittableRandom(seed));
        sim.addNode(SERVER, new ServerEndpointNode(server));
        InetSocketAddress address = new InetSocketAddress("127.0.0.2", 7001);
        Connection c = Connection.connect(fast, ByteBuffer.allocate(0), (ch, b, at, len) -> { },
                new SplittableRandom(~seed), 0);
        sim.addNode(address, new ConnectionNode(c, SERVER));
        sim.linkBoth(SERVER, address, LinkConfig.builder().loss(0.3).latency(Duration.ofMillis(10)).build());
        for (int m = 0; m < MESSAGES; m++) {
            c.send(0, message(m));
        }
        assertTrue(sim.runUntil(() -> server.stats().receiveMemoryHeld() > 0, Duration.ofSeconds(10).toNanos()),
                "seed " + seed + ": the server holds out-of-order data at some point");
        sim.removeNode(address);
        assertTrue(sim.runUntil(() -> server.connectionCount() == 0, Duration.ofSeconds(5).toNanos()),
                "seed " + seed + ": the vanished client times out");
        assertEquals(0, server.stats().receiveMemoryHeld(), "seed " + seed);
    }

    private ServerEndpoint server;
    private long refused;

    private Simulation sim;

    private void run(long seed, ServerEndpointConfig serverConfig) {
        sim = new Simulation(seed);
        server = new ServerEndpoint(CONFIG, serverConfig, acceptor(), new SplittableRandom(seed));
        sim.addNode(SERVER, new ServerEndpointNode(server));
        LinkConfig link = LinkConfig.builder().loss(0.1).reorder(0.1).latency(Duration.ofMillis(10))
                .jitter(Duration.ofMillis(2)).build();
        for (int i = 0; i < CLIENTS; i++) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.2", 7001 + i);
            Connection c = Connection.connect(CONFIG, ByteBuffer.allocate(0), (ch, b, at, len) -> { },
                    new SplittableRandom(seed * 31 + i), 0);
            for (int m = 0; m < MESSAGES; m++) {
                assertTrue(c.send(0, message(m)));
            }
            sim.addNode(address, new ConnectionNode(c, SERVER));
            sim.linkBoth(SERVER, address, link);
        }
        boolean done = sim.runUntil(() -> {
            peak = Math.max(peak, server.stats().receiveMemoryHeld());
            return expected.size() == CLIENTS && expected.stream().allMatch(n -> n[0] == MESSAGES);
        }, Duration.ofSeconds(60).toNanos());
        assertTrue(done, "seed " + seed + ": all messages delivered within 60 simulated seconds");
    }

    private AdmissionPolicy acceptor() {
        return (from, payload) -> {
            int[] next = new int[1];
            expected.add(next);
            return Admission.accept(new ConnectionListener() {
                private Connection self;

                @Override
                public void onConnected(Connection connection) {
                    self = connection;
                }

                @Override
                public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
                    assertEquals(SIZE, length);
                    assertEquals(next[0], buffer.getInt(offset), "in order, each once");
                    assertEquals((byte) next[0], buffer.get(offset + length - 1));
                    next[0]++;
                    if (next[0] == MESSAGES) {
                        refused += self.stats().refusedDatagrams();
                    }
                }
            });
        };
    }

    private static ByteBuffer message(int m) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putInt(0, m);
        b.put(SIZE - 1, (byte) m);
        return b;
    }
}
