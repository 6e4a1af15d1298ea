package io.udpnet.bench;

import io.udpnet.impair.ImpairmentRelay;
import io.udpnet.impair.LinkConfig;
import io.udpnet.impair.RelayStats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code loss} scenario for ENet: a server host, a client host, and between them the {@link ImpairmentRelay}
 * that {@link LossRun} uses, dropping each datagram towards the server with probability p (seed
 * {@value LossRun#SEED}). The client sends unreliable (sequenced) packets with
 * {@code ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT}, so a packet longer than a fragment is split into unreliable fragments and arrives only when all of them do; each
 * fragment fills a datagram ({@value #FRAGMENT} bytes of data at ENet's default MTU of 1,400). The packet throttle,
 * which would drop unreliable packets at the sender when round trips vary, is held at full (deceleration 0), so that
 * only the relay loses anything. Called by {@link BenchRun} by name, since it is compiled on JDK 22 or later only.
 */
final class EnetLoss {
    /** ENet's default MTU (1,400) less its protocol header (4) and a SEND_FRAGMENT command (24). */
    static final int FRAGMENT = 1400 - 4 - 24;
    private static final int PACKET_UNRELIABLE_FRAGMENT = 1 << 3;
    private static final long STRAGGLER_NANOS = 200_000_000;

    private EnetLoss() {
    }

    /** Loads libenet; {@link Peers.Unavailable} when it is missing. */
    static void check() throws Peers.Unavailable {
        EnetPeer.load();
    }

    static List<String> configuration() {
        return List.of("ENet (libenet.so.7) through the FFM API: a server host and a client host on 127.0.0.1, an "
                        + "ImpairmentRelay between them (seed " + LossRun.SEED + "), loss only towards the server",
                "unreliable sequenced packets with ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT on one channel, default MTU "
                        + "1,400: " + FRAGMENT + " bytes per fragment, one fragment per datagram (a message of 1 "
                        + "fragment: " + FRAGMENT + " B, unfragmented); packet throttle held at full "
                        + "(enet_peer_throttle_configure 5000 ms, acceleration 32, deceleration 0)",
                "fragment counts " + java.util.Arrays.toString(LossRun.FRAGMENTS) + " at loss " + LossRun.LOSS[0]
                        + " and " + LossRun.LOSS[1] + "; the calling thread drives the client host, one thread the "
                        + "server host");
    }

    /** Measures every cell once, adding to {@code result} when {@code counted}. */
    static void measure(BenchRun.Options o, PeerResult result, Progress progress, boolean counted) throws Throwable {
        EnetPeer.Native lib = EnetPeer.load();
        for (double loss : LossRun.LOSS) {
            AtomicLong delivered = new AtomicLong();
            AtomicReference<String> error = new AtomicReference<>();
            CountDownLatch connected = new CountDownLatch(1);
            MemorySegment server = MemorySegment.NULL;
            MemorySegment client = MemorySegment.NULL;
            Thread serving = null;
            AtomicBoolean running = new AtomicBoolean(true);
            Arena arena = Arena.ofShared();
            try {
                MemorySegment address = arena.allocate(8);
                address.set(ValueLayout.JAVA_INT, 0, EnetPeer.LOOPBACK);
                address.set(ValueLayout.JAVA_SHORT, 4, (short) 0);
                server = (MemorySegment) lib.hostCreate.invokeExact(address, 1L, 1L, 0, 0);
                client = (MemorySegment) lib.hostCreate.invokeExact(MemorySegment.NULL, 1L, 1L, 0, 0);
                if (server.equals(MemorySegment.NULL) || client.equals(MemorySegment.NULL)) {
                    throw new IllegalStateException("enet: enet_host_create failed");
                }
                int port = Short.toUnsignedInt(server.reinterpret(16).get(ValueLayout.JAVA_SHORT, EnetPeer.HOST_PORT));
                MemorySegment serverHost = server;
                MemorySegment serverEvent = arena.allocate(EnetPeer.EVENT_SIZE, 8);
                serving = new Thread(() -> serve(lib, serverHost, serverEvent, delivered, connected, error,
                        running), "enet-loss-server");
                serving.start();
                try (ImpairmentRelay relay = ImpairmentRelay.builder(new InetSocketAddress("127.0.0.1", port))
                        .listen(new InetSocketAddress("127.0.0.1", 0)).seed(LossRun.SEED)
                        .toServer(LinkConfig.builder().loss(loss).build()).open()) {
                    address.set(ValueLayout.JAVA_SHORT, 4, (short) relay.localAddress().getPort());
                    MemorySegment peer = (MemorySegment) lib.hostConnect.invokeExact(client, address, 1L, 0);
                    if (peer.equals(MemorySegment.NULL)) {
                        throw new IllegalStateException("enet: enet_host_connect failed");
                    }
                    MemorySegment event = arena.allocate(EnetPeer.EVENT_SIZE, 8);
                    long deadline = System.nanoTime() + PeerSettings.TIMEOUT_NANOS;
                    boolean clientConnected = false;
                    while (connected.getCount() > 0 || !clientConnected) {
                        clientConnected |= service(lib, client, event, 1_000_000);
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("enet: no connection through the relay; " + error.get());
                        }
                    }
                    // Only once connected: queued with the connect, it broke the handshake.
                    lib.throttleConfigure.invokeExact(peer, 5000, 32, 0);
                    MemorySegment data = arena.allocate((long) FRAGMENT * LossRun.FRAGMENTS[LossRun.FRAGMENTS.length
                            - 1], 8);
                    for (int n : LossRun.FRAGMENTS) {
                        RelayStats.Direction before = relay.stats().toServer();
                        long d0 = delivered.get();
                        long sent = send(lib, client, peer, event, data, (long) n * FRAGMENT, o);
                        service(lib, client, event, STRAGGLER_NANOS);
                        long got = delivered.get() - d0;
                        RelayStats.Direction after = relay.stats().toServer();
                        LossRun.Cell cell = new LossRun.Cell(loss, n, sent, got, after.lost() - before.lost(),
                                after.queueDropped() + after.heldDropped() + after.sendFailed()
                                        - before.queueDropped() - before.heldDropped() - before.sendFailed());
                        if (counted) {
                            result.add(cell);
                        }
                        progress.step("loss %s%s p=%.2f, %d fragments: %,d of %,d delivered (%.4f, theory %.4f); "
                                        + "relay lost %,d datagrams, dropped %,d more", result.peer,
                                counted ? "" : " (warm-up)", loss, n, got, sent, cell.rate(), cell.theory(),
                                cell.relayLost(), cell.relayOtherDrops());
                    }
                }
                if (error.get() != null) {
                    throw new IllegalStateException("enet: " + error.get());
                }
            } finally {
                running.set(false);
                lib.stop(client, server, serving);
                arena.close();
            }
        }
    }

    /** Sends packets of {@code length} bytes on the rate's schedule for the duration; returns how many. */
    private static long send(EnetPeer.Native lib, MemorySegment client, MemorySegment peer, MemorySegment event,
                             MemorySegment data, long length, BenchRun.Options o) throws Throwable {
        long count = (long) o.rate() * o.durationSeconds();
        long interval = 1_000_000_000L / o.rate();
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long due = start + i * interval;
            while (due - System.nanoTime() > 0) {
                service(lib, client, event, 0);
                LockSupport.parkNanos(Math.min(50_000, due - System.nanoTime()));
            }
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, i);
            MemorySegment packet = (MemorySegment) lib.packetCreate.invokeExact(data, length,
                    PACKET_UNRELIABLE_FRAGMENT);
            if ((int) lib.peerSend.invokeExact(peer, (byte) 0, packet) != 0) {
                throw new IllegalStateException("enet_peer_send failed");
            }
            service(lib, client, event, 0);
        }
        return count;
    }

    /**
     * Services the client host for at least {@code nanos} (once when 0), destroying what it receives; true when it
     * saw its connection complete.
     */
    private static boolean service(EnetPeer.Native lib, MemorySegment host, MemorySegment event, long nanos)
            throws Throwable {
        long end = System.nanoTime() + nanos;
        boolean connected = false;
        do {
            int r;
            while ((r = (int) lib.hostService.invokeExact(host, event, 0)) > 0) {
                connected |= event.get(ValueLayout.JAVA_INT, 0) == EnetPeer.EVENT_CONNECT;
                if (event.get(ValueLayout.JAVA_INT, 0) == EnetPeer.EVENT_RECEIVE) {
                    lib.packetDestroy.invokeExact(event.get(ValueLayout.ADDRESS, 24));
                }
            }
            if (r < 0) {
                throw new IllegalStateException("enet_host_service failed on the client");
            }
            if (nanos > 0) {
                LockSupport.parkNanos(100_000);
            }
        } while (System.nanoTime() < end);
        return connected;
    }

    /** The server host's thread: counts whole packets received. */
    private static void serve(EnetPeer.Native lib, MemorySegment host, MemorySegment event, AtomicLong delivered,
                              CountDownLatch connected, AtomicReference<String> error, AtomicBoolean running) {
        try {
            while (running.get()) {
                int r = (int) lib.hostService.invokeExact(host, event, 1);
                if (r < 0) {
                    throw new IllegalStateException("enet_host_service failed on the server");
                }
                if (r == 0) {
                    continue;
                }
                int type = event.get(ValueLayout.JAVA_INT, 0);
                if (type == EnetPeer.EVENT_CONNECT) {
                    connected.countDown();
                } else if (type == EnetPeer.EVENT_RECEIVE) {
                    delivered.incrementAndGet();
                    lib.packetDestroy.invokeExact(event.get(ValueLayout.ADDRESS, 24));
                }
            }
        } catch (Throwable e) {
            error.compareAndSet(null, e.toString());
        }
    }
}
