package io.udpnet.transport;

import io.udpnet.io.ServerMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many peers at once through every strategy: each datagram must reach the session of the peer that sent it, exactly
 * once. Peers start at staggered times, so sessions are accepted while other peers' traffic flows. The server echoes
 * and each peer keeps a window of datagrams in flight, so socket buffers cannot overflow and any loss is the
 * server's. A peer's first datagram is sent alone and waits for its echo, like a protocol's first flight.
 */
class ServerTrafficTest {
    private static final int PEERS = 32;
    private static final int DATAGRAMS = 2_000;
    private static final int WINDOW = 32;
    private static final int SIZE = 64;
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** What the server saw from one peer. */
    private static final class Seen {
        final BitSet seqs = new BitSet(DATAGRAMS);
        int duplicates;
    }

    @ParameterizedTest(name = "{0} shards={1} connectedCap={2}")
    @CsvSource({"SHARED, 1, 256", "SHARDED, 2, 256", "SHARDED, 4, 256", "CONNECTED, 1, 256", "CONNECTED, 1, 4"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyDatagramReachesItsOwnSessionExactlyOnce(ServerMode mode, int shards, int cap) throws Exception {
        UdpServerConfig config = UdpServerConfig.builder()
                .bindAddress(TestPeer.loopback(0)).mode(mode).shards(shards).maxConnectedSockets(cap)
                .receiveBufferSize(4 << 20).receiveQueueCapacity(1024).build();
        Map<InetSocketAddress, Seen> seen = new ConcurrentHashMap<>();
        AtomicLong misrouted = new AtomicLong();
        AtomicInteger ownSockets = new AtomicInteger();
        List<Throwable> serverErrors = new ArrayList<>();
        try (UdpServer server = UdpServer.open(config)) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    for (int accepted = 0; accepted < PEERS; accepted++) {
                        DatagramSession s = server.accept(WAIT);
                        if (s == null) {
                            return;
                        }
                        Thread.ofVirtual().start(() -> echo(s, seen, misrouted, ownSockets, serverErrors));
                    }
                } catch (IOException e) {
                    synchronized (serverErrors) {
                        serverErrors.add(e);
                    }
                }
            });
            List<Thread> peers = new ArrayList<>();
            List<String> peerFailures = new ArrayList<>();
            for (int p = 0; p < PEERS; p++) {
                int id = p;
                peers.add(Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(ThreadLocalRandom.current().nextInt(300));
                        runPeer(id, server.localAddress());
                    } catch (Exception | AssertionError e) {
                        synchronized (peerFailures) {
                            peerFailures.add("peer " + id + ": " + e);
                        }
                    }
                }));
            }
            for (Thread t : peers) {
                t.join();
            }
            acceptor.join();
            assertEquals(List.of(), peerFailures);
            assertEquals(List.of(), serverErrors);
            assertEquals(PEERS, seen.size(), "one session per peer");
            for (Map.Entry<InetSocketAddress, Seen> e : seen.entrySet()) {
                synchronized (e.getValue()) {
                    assertEquals(DATAGRAMS, e.getValue().seqs.cardinality(), "lost datagrams of " + e.getKey());
                    assertEquals(0, e.getValue().duplicates, "duplicates for " + e.getKey());
                }
            }
            assertEquals(0, misrouted.get(), "datagrams delivered to another peer's session");
            ServerStats stats = server.stats();
            assertEquals(0, stats.totalDrops(), "drops: " + stats.drops());
            assertEquals(PEERS, stats.sessionsOpened());
            assertEquals((long) PEERS * DATAGRAMS, stats.datagramsIn());
            // A send is counted after it returns, possibly after the peer already read the echo.
            ServerBehaviourTest.await("every echo to be counted",
                    () -> server.stats().datagramsOut() == (long) PEERS * DATAGRAMS);
            if (mode == ServerMode.CONNECTED) {
                assertEquals(Math.min(cap, PEERS), ownSockets.get(), "sessions with their own connected socket");
                assertEquals(Math.min(cap, PEERS), stats.connectedSockets());
            }
        }
    }

    /** Server side of one session: record what arrives, echo it. Ends when the peer has sent everything. */
    private static void echo(DatagramSession s, Map<InetSocketAddress, Seen> seen, AtomicLong misrouted,
                             AtomicInteger ownSockets, List<Throwable> errors) {
        Seen mine = new Seen();
        seen.put(s.remoteAddress(), mine);
        ByteBuffer buf = ByteBuffer.allocate(2048);
        int expectedPort = s.remoteAddress().getPort();
        try {
            int got = 0;
            while (got < DATAGRAMS) {
                buf.clear();
                if (s.receive(buf, WAIT) < 0) {
                    throw new AssertionError("no datagram from " + s.remoteAddress() + " after " + got);
                }
                if (got == 0 && s.hasOwnSocket()) {
                    ownSockets.incrementAndGet();
                }
                buf.flip();
                int senderPort = buf.getInt(0);
                int seq = buf.getInt(4);
                if (senderPort != expectedPort) {
                    misrouted.incrementAndGet();
                    continue;
                }
                synchronized (mine) {
                    if (mine.seqs.get(seq)) {
                        mine.duplicates++;
                    }
                    mine.seqs.set(seq);
                }
                got++;
                s.send(buf);
            }
        } catch (IOException | AssertionError e) {
            synchronized (errors) {
                errors.add(e);
            }
        }
    }

    /** One peer: hello alone, then a sliding window over the rest; every echo must come back. */
    private static void runPeer(int id, InetSocketAddress server) throws IOException {
        try (TestPeer peer = new TestPeer(server)) {
            int port = peer.localAddress().getPort();
            int next = 0;
            int echoed = 0;
            BitSet echoes = new BitSet(DATAGRAMS);
            next = sendOne(peer, port, next);
            while (echoed < DATAGRAMS) {
                byte[] echo = peer.receive(WAIT);
                if (echo == null) {
                    throw new AssertionError("peer " + id + " waited in vain after " + echoed + " echoes");
                }
                ByteBuffer b = ByteBuffer.wrap(echo);
                assertEquals(port, b.getInt(0), "echo carries this peer's port");
                int seq = b.getInt(4);
                assertTrue(!echoes.get(seq), "duplicate echo " + seq);
                echoes.set(seq);
                echoed++;
                // After the hello, open the full window; afterwards one new datagram per echo.
                int target = Math.min(DATAGRAMS, echoed + WINDOW);
                while (next < target) {
                    next = sendOne(peer, port, next);
                }
            }
        }
    }

    private static int sendOne(TestPeer peer, int port, int seq) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putInt(0, port).putInt(4, seq);
        peer.channel.send(b, peer.server);
        return seq + 1;
    }
}
