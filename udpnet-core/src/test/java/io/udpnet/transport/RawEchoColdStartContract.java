package io.udpnet.transport;

import io.udpnet.io.DatagramIo;
import io.udpnet.io.IoStats;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cold raw echo server (what {@code udpnet server --raw} runs) hit at once by 32 new peers sending 64,000 numbered
 * datagrams in total, in each mode: every datagram must come back to the peer that sent it, or its loss must be
 * explained.
 *
 * <p>Kernel drops are kept apart from loss in the server: each peer keeps at most {@value #WINDOW} datagrams
 * unanswered, so the server's sockets never hold more than 32 × {@value #WINDOW} datagrams (about 3 MB of kernel
 * memory for 64-byte datagrams on loopback) against the 4 MiB receive buffer the server asks for (which Linux
 * doubles for its overhead). A receive queue can therefore not overflow however slowly the cold server starts, and
 * what is missing was lost by the server; the native I/O would count an overflow anyway ({@code SO_RXQ_OVFL}, in
 * {@link IoStats#socketDrops()}), and the assertion message gives the machine's {@code RcvbufErrors} for NIO. The peers'
 * own receive buffers hold at most {@value #WINDOW} echoes each. A lost datagram costs its peer one place in its
 * window for good; a peer missing echoes gives up only once the server has sent nothing for three seconds (not
 * after a time of its own, which a starved server on a busy machine could exceed), and the loss shows as a
 * shortfall.
 */
public abstract class RawEchoColdStartContract {
    private static final int PEERS = 32;
    private static final int PER_PEER = 2_000;
    private static final int WINDOW = 100;
    private static final int SIZE = 64;
    /** How long a peer waits for an echo before it looks whether the server still makes progress. */
    private static final int POLL_MILLIS = 200;
    /** A peer gives up on its missing echoes once the server has sent nothing for this long. */
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(3);

    /** @return the implementation under test */
    protected abstract DatagramIo io();

    /**
     * @param mode the server's mode
     * @return datagrams a run in this mode may lose without a counter saying so
     */
    protected abstract long uncountedLossAllowed(ServerMode mode);

    @ParameterizedTest
    @EnumSource(ServerMode.class)
    void everyDatagramOfABurstFromNewPeersIsEchoed(ServerMode mode) throws Exception {
        UdpServerConfig config = UdpServerConfig.builder()
                .bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .mode(mode).shards(2).maxConnectedSockets(PEERS).io(io())
                .sessionListener(s -> (session, datagram) -> {
                    try {
                        session.send(datagram);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                })
                .build();
        long kernelDropsBefore = ConnectedHandOffContract.kernelReceiveDrops();
        AtomicLong echoed = new AtomicLong();
        try (UdpServer server = UdpServer.open(config)) {
            List<DatagramSocket> peers = new ArrayList<>();
            try {
                for (int i = 0; i < PEERS; i++) {
                    DatagramSocket socket = new DatagramSocket(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    socket.setReceiveBufferSize(1 << 20);
                    socket.setSoTimeout(POLL_MILLIS);
                    peers.add(socket);
                }
                CountDownLatch start = new CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (DatagramSocket ch : peers) {
                    threads.add(Thread.ofPlatform().start(() -> run(ch, server, start, echoed)));
                }
                start.countDown();
                for (Thread t : threads) {
                    t.join(TimeUnit.SECONDS.toMillis(120));
                }
                long sent = (long) PEERS * PER_PEER;
                ServerStats stats = server.stats();
                // A peer may hold its echo before the server's counter of sends has moved: let it catch up.
                for (int i = 0; i < 100 && stats.datagramsOut() < stats.datagramsIn(); i++) {
                    Thread.sleep(20);
                    stats = server.stats();
                }
                IoStats io = server.socketStats();
                long lost = sent - echoed.get();
                String report = mode + " on " + io().name() + ": " + echoed.get() + " of " + sent + " echoed; server "
                        + "received " + stats.datagramsIn() + ", sent " + stats.datagramsOut() + "; " + io
                        + "; RcvbufErrors on this machine meanwhile (all sockets): "
                        + (ConnectedHandOffContract.kernelReceiveDrops() - kernelDropsBefore);
                System.out.println("cold-start echo: " + report);
                assertEquals(0, io.socketDrops(), "no receive queue may overflow with this window: " + report);
                assertEquals(0, io.sendDrops(), report);
                assertEquals(stats.datagramsIn(), stats.datagramsOut(), "every datagram received is echoed: " + report);
                assertTrue(lost <= uncountedLossAllowed(mode), lost + " lost: " + report);
                assertEquals(PEERS, stats.sessionsOpened(), report);
                if (mode == ServerMode.CONNECTED) {
                    assertEquals(PEERS, stats.connectedSockets(), "every peer got a socket: " + report);
                }
            } finally {
                for (DatagramSocket socket : peers) {
                    socket.close();
                }
            }
        }
    }

    /** Sends the peer's numbered datagrams, never more than WINDOW unanswered, and checks each echo's number. */
    private static void run(DatagramSocket socket, UdpServer server, CountDownLatch start, AtomicLong echoed) {
        byte[] outBytes = new byte[SIZE];
        DatagramPacket out = new DatagramPacket(outBytes, SIZE, server.localAddress());
        DatagramPacket in = new DatagramPacket(new byte[SIZE + 1], SIZE + 1);
        boolean[] seen = new boolean[PER_PEER];
        int sent = 0;
        int answered = 0;
        long serverOut = -1;
        long quietSince = 0;
        try {
            start.await();
            while (answered < PER_PEER) {
                if (sent < PER_PEER && sent - answered < WINDOW) {
                    ByteBuffer.wrap(outBytes).putInt(0, sent);
                    socket.send(out);
                    sent++;
                    continue;
                }
                in.setLength(SIZE + 1);
                try {
                    socket.receive(in);
                } catch (SocketTimeoutException e) {
                    long now = System.nanoTime();
                    long progress = server.socketStats().datagramsOut();
                    if (progress != serverOut) {
                        serverOut = progress;
                        quietSince = now;
                    } else if (now - quietSince > QUIET_NANOS) {
                        return;   // what is missing is lost, and the shortfall says how much
                    }
                    continue;
                }
                int n = ByteBuffer.wrap(in.getData()).getInt(0);
                if (in.getLength() != SIZE || n < 0 || n >= sent || seen[n]) {
                    throw new AssertionError("echo " + n + " of " + in.getLength() + " bytes unexpected");
                }
                seen[n] = true;
                answered++;
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            echoed.addAndGet(answered);
        }
    }
}
