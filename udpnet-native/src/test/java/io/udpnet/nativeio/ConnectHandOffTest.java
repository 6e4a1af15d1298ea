package io.udpnet.nativeio;

import io.udpnet.io.DatagramBatch;
import io.udpnet.io.Poller;
import io.udpnet.io.SocketOptions;
import io.udpnet.io.UdpSocket;
import org.junit.jupiter.api.RepeatedTest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The socket-level guarantee under a CONNECTED server: while peers keep sending, a new socket is bound to the
 * listener's port and connected to each peer in turn, as a server does when a peer first appears. Every datagram
 * must be received, by the listener or by the peer's connected socket, with its real source: connect(2) without a
 * flush loses nothing.
 */
class ConnectHandOffTest {
    private static final int PEERS = 32;
    private static final int EACH = 2_000;
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();

    @RepeatedTest(5)
    void datagramsArrivingDuringConnectAreAllReceived() throws Exception {
        SocketOptions reuse = SocketOptions.buffers(4 << 20).reuse(true, true);
        List<UdpSocket> sockets = new ArrayList<>();
        List<UdpSocket> peers = new ArrayList<>();
        try (Poller poller = LinuxDatagramIoTest.IO.openPoller()) {
            UdpSocket listener = LinuxDatagramIoTest.IO.open(reuse);
            sockets.add(listener);
            listener.bind(new InetSocketAddress(V4, 0));
            poller.register(listener, listener);
            for (int i = 0; i < PEERS; i++) {
                UdpSocket p = LinuxDatagramIoTest.IO.open(SocketOptions.buffers(1 << 20));
                p.bind(new InetSocketAddress(V4, 0));
                peers.add(p);
            }
            Map<InetSocketAddress, Integer> peerIndex = new HashMap<>();
            for (int i = 0; i < PEERS; i++) {
                peerIndex.put(peers.get(i).localAddress(), i);
            }
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> send(peers, listener.localAddress()));

            BitSet[] seen = new BitSet[PEERS];
            for (int i = 0; i < PEERS; i++) {
                seen[i] = new BitSet(EACH);
            }
            boolean[] connected = new boolean[PEERS];
            DatagramBatch batch = new DatagramBatch(64, 256);
            List<UdpSocket> toConnect = new ArrayList<>();
            int received = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received < PEERS * EACH && System.nanoTime() < deadline) {
                toConnect.clear();
                poller.poll(TimeUnit.MILLISECONDS.toNanos(10), a -> toConnect.add((UdpSocket) a));
                for (UdpSocket s : toConnect) {
                    batch.clear();
                    s.receive(batch, e -> { });
                    for (int i = 0; i < batch.count(); i++) {
                        Integer peer = peerIndex.get(batch.peer(i));
                        int seq = batch.datagram(i).getInt(0);
                        if (!seen[peer].get(seq)) {
                            seen[peer].set(seq);
                            received++;
                        }
                        if (!connected[peer]) {
                            connected[peer] = true;
                            UdpSocket c = LinuxDatagramIoTest.IO.open(reuse);
                            sockets.add(c);
                            c.bind(listener.localAddress());
                            c.connect(batch.peer(i), new DatagramBatch(1, 64));
                            poller.register(c, c);
                        }
                    }
                }
            }
            sending.get(30, TimeUnit.SECONDS);
            long drops = 0;
            for (UdpSocket s : sockets) {
                drops += s.drops();
            }
            assertEquals(0, drops, "kernel receive-queue drops would make the count meaningless");
            assertEquals(PEERS * EACH, received, "datagrams received by the listener or a connected socket");
        } finally {
            sockets.forEach(UdpSocket::close);
            peers.forEach(UdpSocket::close);
        }
    }

    private static void send(List<UdpSocket> peers, InetSocketAddress to) {
        ByteBuffer b = ByteBuffer.allocateDirect(32);
        try {
            for (int seq = 0; seq < EACH; seq++) {
                for (UdpSocket p : peers) {
                    b.clear().putInt(0, seq);
                    while (p.sendTo(b, to) == 0) {
                        b.clear();
                        Thread.onSpinWait();
                    }
                }
                if (seq % 2 == 0) {
                    // Paced (about 64 datagrams per millisecond) so that the receive queues do not overflow while
                    // the receiving thread waits for a core on a busy two-core machine.
                    LockSupport.parkNanos(1_000_000);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
