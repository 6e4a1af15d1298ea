package io.udpnet.transport;

import io.udpnet.io.DatagramIo;
import io.udpnet.io.IoStats;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CONNECTED hand-off under load, for one I/O implementation: a cold server is hit by many new peers at once,
 * each sending a numbered stream, while it gives each new peer a socket of its own. Every datagram must reach its
 * peer's session; the implementation says how many may vanish uncounted (the NIO one cannot see what the JDK's
 * connect discards).
 *
 * <p>The hand-off is what is tested, not the kernel's receive queues: each peer keeps at most a window of datagrams
 * that its session has not received yet (the test reads the server's count in-process), sized so that the windows
 * of all peers together fit the receive buffer a server socket gets here. However slowly a starved server runs on a
 * busy machine, no queue can overflow; one that did anyway would be a failure ({@code SO_RXQ_OVFL} counts it on the
 * native I/O). A datagram lost by the hand-off costs its peer a place in its window for good, so a peer that sees
 * the server receive nothing for three seconds stops, and what it sent and was not received shows as the loss.
 */
public abstract class ConnectedHandOffContract {
    private static final int PEERS = 32;
    private static final int PER_PEER = 2_000;
    private static final int MOST_WINDOW = 100;
    /** Receive-buffer room counted per queued 64-byte datagram on loopback: its kernel overhead, with room to spare. */
    private static final int BYTES_PER_QUEUED = 2048;
    private static final int SERVER_BUFFER = 4 << 20;
    /** A peer stops waiting for its window once the server has received nothing for this long. */
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(3);

    /** @return the implementation under test */
    protected abstract DatagramIo io();

    /** @return how many times the whole run is repeated */
    protected abstract int repetitions();

    /** @return datagrams a run may lose without a counter saying so */
    protected abstract long uncountedLossAllowed();

    @Test
    void everyDatagramOfManyNewPeersReachesItsSessionOrIsCounted() throws Exception {
        for (int run = 0; run < repetitions(); run++) {
            oneRun(run);
        }
    }

    private void oneRun(int run) throws Exception {
        AtomicLong received = new AtomicLong();
        ConcurrentHashMap<InetSocketAddress, AtomicLong> perPeer = new ConcurrentHashMap<>();
        UdpServerConfig config = UdpServerConfig.builder()
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .mode(ServerMode.CONNECTED).maxConnectedSockets(PEERS).receiveQueueCapacity(PER_PEER).io(io())
                .receiveBufferSize(SERVER_BUFFER)
                .sessionListener(s -> (session, datagram) -> {
                    received.incrementAndGet();
                    perPeer.computeIfAbsent(session.remoteAddress(), a -> new AtomicLong()).incrementAndGet();
                })
                .build();
        long kernelDropsBefore = kernelReceiveDrops();
        try (UdpServer server = UdpServer.open(config)) {
            List<DatagramChannel> peers = new ArrayList<>();
            try {
                for (int i = 0; i < PEERS; i++) {
                    DatagramChannel ch = DatagramChannel.open();
                    ch.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
                    ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    peers.add(ch);
                }
                int window = window();
                AtomicLong sentCount = new AtomicLong();
                CountDownLatch start = new CountDownLatch(1);
                List<Thread> senders = new ArrayList<>();
                for (DatagramChannel ch : peers) {
                    Window w = new Window(window, perPeer.computeIfAbsent((InetSocketAddress) ch.getLocalAddress(),
                            a -> new AtomicLong()), received);
                    senders.add(Thread.ofPlatform().start(() -> sentCount.addAndGet(
                            send(ch, server.localAddress(), start, w))));
                }
                start.countDown();
                for (Thread t : senders) {
                    t.join();
                }
                long sent = sentCount.get();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                IoStats stats = server.socketStats();
                long seen = -1;
                long quietSince = System.nanoTime();
                while (received.get() + stats.socketDrops() < sent && System.nanoTime() < deadline
                        && System.nanoTime() - quietSince < QUIET_NANOS) {
                    Thread.sleep(20);
                    stats = server.socketStats();
                    if (received.get() != seen) {
                        seen = received.get();
                        quietSince = System.nanoTime();
                    }
                }
                long lost = sent - received.get() - stats.socketDrops();
                String report = "run " + run + " (" + io().name() + ", window " + window + "): received "
                        + received.get() + " of " + sent + " sent (" + (long) PEERS * PER_PEER + " meant), " + stats
                        + "; the kernel's receive-buffer drops on this machine meanwhile (all sockets): "
                        + (kernelReceiveDrops() - kernelDropsBefore);
                System.out.println("hand-off: " + lost + " lost; " + report);
                assertEquals(0, stats.socketDrops(), "no receive queue may overflow with this window: " + report);
                assertTrue(lost <= uncountedLossAllowed(), lost + " datagrams vanished uncounted; " + report);
                assertEquals(PEERS, perPeer.values().stream().filter(n -> n.get() > 0).count(),
                        "run " + run + ": sessions");
                assertEquals(PEERS, server.stats().connectedSockets(), "run " + run + ": every peer got a socket");
            } finally {
                for (DatagramChannel ch : peers) {
                    ch.close();
                }
            }
        }
    }

    /** RcvbufErrors of UDP and UDP-Lite over IPv4 and IPv6 from /proc, or -1 where it cannot be read. */
    static long kernelReceiveDrops() {
        long sum = 0;
        for (String file : List.of("/proc/net/snmp", "/proc/net/snmp6")) {
            try {
                List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(file));
                for (int i = 0; i + 1 < lines.size(); i++) {
                    String[] names = lines.get(i).split("\\s+");
                    String[] values = lines.get(i + 1).split("\\s+");
                    if (names[0].equals("Udp:") && values[0].equals("Udp:")) {
                        for (int k = 1; k < names.length && k < values.length; k++) {
                            if (names[k].equals("RcvbufErrors")) {
                                sum += Long.parseLong(values[k]);
                            }
                        }
                    }
                }
                for (String line : lines) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length == 2 && f[0].equals("Udp6RcvbufErrors")) {
                        sum += Long.parseLong(f[1]);
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                return -1;
            }
        }
        return sum;
    }

    /**
     * The window of each peer: the receive buffer a socket asking for the server's size gets on this machine (Linux
     * caps it at net.core.rmem_max), shared by all peers, since before the hand-off all their datagrams wait on the
     * listener.
     */
    private static int window() throws java.io.IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_RCVBUF, SERVER_BUFFER);
            int granted = probe.getOption(StandardSocketOptions.SO_RCVBUF);
            return Math.clamp(granted / ((long) PEERS * BYTES_PER_QUEUED), 1, MOST_WINDOW);
        }
    }

    /** What a peer waits on: its session's count of received datagrams, and the server's total to see progress. */
    private record Window(int size, AtomicLong peerReceived, AtomicLong serverReceived) {
    }

    /**
     * Sends the peer's numbered datagrams, never more than the window ahead of what its session received.
     *
     * @return how many were sent: fewer than meant when the server stopped receiving (what was lost)
     */
    private static int send(DatagramChannel ch, InetSocketAddress server, CountDownLatch start, Window w) {
        ByteBuffer b = ByteBuffer.allocateDirect(64);
        try {
            start.await();
            for (int i = 0; i < PER_PEER; i++) {
                long progress = -1;
                long quietSince = 0;
                while (i - w.peerReceived().get() >= w.size()) {
                    long now = System.nanoTime();
                    long total = w.serverReceived().get();
                    if (total != progress) {
                        progress = total;
                        quietSince = now;
                    } else if (now - quietSince > QUIET_NANOS) {
                        return i;
                    }
                    LockSupport.parkNanos(200_000);
                }
                b.clear().putInt(0, i);
                while (ch.send(b, server) == 0) {
                    Thread.onSpinWait();
                }
            }
            return PER_PEER;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
