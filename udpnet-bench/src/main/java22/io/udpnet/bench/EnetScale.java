package io.udpnet.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code scale} scenario for ENet: a server host that echoes every packet, and one client host with
 * {@code --clients} peers connected to it (ENet caps a host at {@value #MAX_PEERS} peers). The client host's thread
 * sends {@value ScaleRun#PER_SECOND} reliable 32-byte packets per second per peer, round-robin on a fixed schedule,
 * and times each echo from when its packet was due (see {@link PingSchedule}); the server host's thread echoes. Each
 * host is touched by its own thread only (ENet is not thread-safe). Both hosts live in this process and their
 * connections in native memory, so the server's own CPU, heap and RSS are not measured. Called by
 * {@link ScaleScenario} by name, since it is compiled on JDK 22 or later only.
 */
final class EnetScale implements ScaleDriver {
    static final int MAX_PEERS = 4095;
    private static final int SIZE = 32;
    private static final int PACKET_RELIABLE = 1;
    private static final long WAIT_NANOS = 2_000_000_000L;

    private final EnetPeer.Native lib;
    private final int count;
    private final Arena arena = Arena.ofShared();
    private final Recorder rtt = new Recorder(3);
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicReference<String> error = new AtomicReference<>();
    private final CountDownLatch connected;
    private volatile boolean running = true;
    /** The current iteration's schedule: start and end of sending, in System.nanoTime(); null between iterations. */
    private volatile long[] window;
    private MemorySegment server = MemorySegment.NULL;
    private MemorySegment client = MemorySegment.NULL;
    private MemorySegment[] peers;
    private Thread serverThread;
    private Thread clientThread;
    private long connectNanos = 1;

    private EnetScale(EnetPeer.Native lib, int count) {
        this.lib = lib;
        this.count = count;
        this.connected = new CountDownLatch(count);
    }

    /** Loads libenet and checks the count; {@link Peers.Unavailable} otherwise. */
    static void check(int clients) throws Peers.Unavailable {
        EnetPeer.load();
        if (clients > MAX_PEERS) {
            throw new Peers.Unavailable("ENet caps a host at " + MAX_PEERS + " peers; --clients " + clients
                    + " asked");
        }
    }

    static List<String> configuration() {
        return List.of("ENet (libenet.so.7) through the FFM API: one server host echoing every packet, one client "
                        + "host holding every peer, one channel, ENET_PACKET_FLAG_RELIABLE, default MTU and windows",
                SIZE + "-byte packets, " + ScaleRun.PER_SECOND + " per second per peer, sent round-robin on a fixed "
                        + "schedule by the client host's thread, which also takes the echoes; each host polled by "
                        + "its own thread (enet_host_service, timeout 0, then a 50 us park when idle)",
                "handshakes/s: peers over the time from the first enet_host_connect to the last connect event; "
                        + "server CPU, heap, RSS and idle figures: n/a, the server host runs in the bench's process "
                        + "beside the clients (and ENet keeps its peers in native memory); cores: the whole "
                        + "process");
    }

    static EnetScale open(int clients) throws Throwable {
        check(clients);
        EnetScale s = new EnetScale(EnetPeer.load(), clients);
        try {
            s.start();
        } catch (Throwable e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void start() throws Throwable {
        MemorySegment address = arena.allocate(8);
        address.set(ValueLayout.JAVA_INT, 0, EnetPeer.LOOPBACK);
        address.set(ValueLayout.JAVA_SHORT, 4, (short) 0);
        server = (MemorySegment) lib.hostCreate.invokeExact(address, (long) count, 1L, 0, 0);
        client = (MemorySegment) lib.hostCreate.invokeExact(MemorySegment.NULL, (long) count, 1L, 0, 0);
        if (server.equals(MemorySegment.NULL) || client.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("enet: enet_host_create failed for " + count + " peers");
        }
        int port = Short.toUnsignedInt(server.reinterpret(16).get(ValueLayout.JAVA_SHORT, EnetPeer.HOST_PORT));
        address.set(ValueLayout.JAVA_SHORT, 4, (short) port);
        peers = new MemorySegment[count];
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            peers[i] = (MemorySegment) lib.hostConnect.invokeExact(client, address, 1L, 0);
            if (peers[i].equals(MemorySegment.NULL)) {
                throw new IllegalStateException("enet: enet_host_connect failed for peer " + i);
            }
        }
        serverThread = new Thread(this::serve, "enet-scale-server");
        clientThread = new Thread(this::runClient, "enet-scale-client");
        serverThread.start();
        clientThread.start();
        if (!connected.await(PeerSettings.TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("enet: " + (count - connected.getCount()) + " of " + count
                    + " peers connected; " + error.get());
        }
        connectNanos = Math.max(1, System.nanoTime() - t0);
    }

    @Override
    public String connected(PeerResult result) {
        result.scale.handshakesPerSecond = count * 1e9 / connectNanos;
        result.scale.heapPerConnection = ScaleFigures.NOT_ON_HEAP;
        result.scale.serverNotMeasured = "server host in the bench's process, beside the clients";
        return String.format(java.util.Locale.ROOT, "%,d peers connected in %.1f ms (%,.0f handshakes/s)", count,
                connectNanos / 1e6, result.scale.handshakesPerSecond);
    }

    /** Not measured: the server host shares this process with the clients, so its own cores cannot be told apart. */
    @Override
    public String idle(long settleNanos, long nanos, PeerResult result) {
        return "idle phase n/a: " + result.scale.serverNotMeasured;
    }

    @Override
    public String measure(long nanos, PeerResult result, boolean counted) throws Exception {
        rtt.reset();
        long e0 = echoed.get();
        long s0 = sent.get();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long start = t0 + 1_000_000;
        window = new long[] {start, start + nanos};
        Thread.sleep((nanos + 1_000_000) / 1_000_000 + 1);
        while (window != null && System.nanoTime() < start + nanos + WAIT_NANOS) {
            Thread.sleep(1);
        }
        long n = sent.get() - s0;
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (echoed.get() - e0 < n && System.nanoTime() < deadline && error.get() == null) {
            Thread.sleep(1);
        }
        if (error.get() != null) {
            throw new IllegalStateException("enet: " + error.get());
        }
        long c1 = os.getProcessCpuTime();
        long t1 = System.nanoTime();
        long got = echoed.get() - e0;
        Histogram h = rtt.getIntervalHistogram();
        double cores = (double) (c1 - c0) / (t1 - t0);
        if (counted) {
            result.rtt.add(h);
            result.sent += n;
            result.delivered += got;
            result.cores.add(cores);
        }
        return String.format(java.util.Locale.ROOT, "%,d peers: %,d of %,d echoed, p50 %.1f us, p99 %.1f us, "
                        + "max %.1f us, %.2f cores", count, got, n, h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3, cores);
    }

    /** The client host's thread: sends on the current window's schedule, takes connects and echoes. */
    private void runClient() {
        MemorySegment event = arena.allocate(EnetPeer.EVENT_SIZE, 8);
        MemorySegment out = arena.allocate(SIZE, 8);
        long next = 0;
        long[] current = null;
        try {
            while (running) {
                int work = 0;
                long[] w = window;
                if (w != current) {
                    current = w;
                    next = 0;
                }
                if (w != null) {
                    long interval = 1_000_000_000L / ((long) ScaleRun.PER_SECOND * count);
                    long now = System.nanoTime();
                    long due;
                    while ((due = w[0] + next * interval) <= now && due < w[1]) {
                        out.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, next);
                        out.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, due);
                        MemorySegment packet = (MemorySegment) lib.packetCreate.invokeExact(out, (long) SIZE,
                                PACKET_RELIABLE);
                        if ((int) lib.peerSend.invokeExact(peers[(int) (next % count)], (byte) 0, packet) != 0) {
                            throw new IllegalStateException("enet_peer_send failed");
                        }
                        sent.incrementAndGet();
                        next++;
                        work++;
                    }
                    if (w[0] + next * interval >= w[1]) {
                        window = null;
                    }
                }
                int r;
                while ((r = (int) lib.hostService.invokeExact(client, event, 0)) > 0) {
                    work++;
                    int type = event.get(ValueLayout.JAVA_INT, 0);
                    if (type == EnetPeer.EVENT_CONNECT) {
                        connected.countDown();
                    } else if (type == EnetPeer.EVENT_RECEIVE) {
                        MemorySegment packet = event.get(ValueLayout.ADDRESS, 24).reinterpret(32);
                        MemorySegment data = packet.get(ValueLayout.ADDRESS, 16).reinterpret(16);
                        rtt.recordValue(Math.max(0, System.nanoTime() - data.get(ValueLayout.JAVA_LONG_UNALIGNED,
                                8)));
                        echoed.incrementAndGet();
                        lib.packetDestroy.invokeExact(packet);
                    }
                }
                if (r < 0) {
                    throw new IllegalStateException("enet_host_service failed on the client");
                }
                if (work == 0) {
                    LockSupport.parkNanos(50_000);
                }
            }
        } catch (Throwable e) {
            error.compareAndSet(null, e.toString());
        }
    }

    /** The server host's thread: echoes every packet to its peer. */
    private void serve() {
        MemorySegment event = arena.allocate(EnetPeer.EVENT_SIZE, 8);
        try {
            while (running) {
                int r = (int) lib.hostService.invokeExact(server, event, 0);
                if (r < 0) {
                    throw new IllegalStateException("enet_host_service failed on the server");
                }
                if (r == 0) {
                    LockSupport.parkNanos(50_000);
                    continue;
                }
                if (event.get(ValueLayout.JAVA_INT, 0) == EnetPeer.EVENT_RECEIVE) {
                    MemorySegment packet = event.get(ValueLayout.ADDRESS, 24).reinterpret(32);
                    long length = packet.get(ValueLayout.JAVA_LONG, 24);
                    MemorySegment data = packet.get(ValueLayout.ADDRESS, 16).reinterpret(length);
                    MemorySegment copy = (MemorySegment) lib.packetCreate.invokeExact(data, length, PACKET_RELIABLE);
                    if ((int) lib.peerSend.invokeExact(event.get(ValueLayout.ADDRESS, 8), (byte) 0, copy) != 0) {
                        throw new IllegalStateException("enet_peer_send failed on the server");
                    }
                    lib.packetDestroy.invokeExact(packet);
                }
            }
        } catch (Throwable e) {
            error.compareAndSet(null, e.toString());
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            lib.stop(client, server, clientThread, serverThread);
        } catch (Throwable e) {
            error.compareAndSet(null, "destroying the hosts: " + e);
        }
        arena.close();
    }
}
