package io.udpnet.bench;

import io.udpnet.io.DatagramIo;
import io.udpnet.transport.DatagramSession;
import io.udpnet.io.ServerMode;
import io.udpnet.transport.ServerStats;
import io.udpnet.transport.DatagramSessionListener;
import io.udpnet.transport.UdpServer;
import io.udpnet.transport.UdpServerConfig;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code modes} scenario at the datagram level: datagrams per second through {@link UdpServer} on loopback, in
 * one server mode with N peers.
 *
 * <p>The server binds 127.0.0.1 port 0 and echoes every datagram from its {@link DatagramSessionListener} (listener
 * style: the handler runs on the thread that read the datagram). The peers are N {@link DatagramChannel}s on
 * 127.0.0.1, each connected to the server, all driven by one thread: non-blocking sends round-robin over the peers,
 * at most {@value #WINDOW} datagrams in flight in total and at most {@code ceil(window / peers)} per peer, echoes
 * read through one selector. A window that stays full for 200 ms is written off (counted as lost) so a dropped
 * datagram cannot stall the run. Before measuring, every peer gets its session (one datagram, echoed), then the
 * load runs for the warm-up time.
 *
 * <p>It measures datagrams that reached sessions per second (the handler's count), the process's CPU time, and
 * (in the detail line) echoes, the server's drop counters, the kernel's UDP receive-buffer errors
 * ({@code /proc/net/snmp}, system-wide) and the handler's count per thread.
 *
 * <p>A mode is {@code SHARED}, {@code SHARDED}, {@code SHARDED:n} (n sockets; default: the number of processors),
 * {@code CONNECTED} or {@code CONNECTED:n} ({@code maxConnectedSockets} n; default 256).
 */
final class DatagramModesRun {
    private static final long STALL_NANOS = 200_000_000L;
    /** Datagrams in flight at most, over all peers. */
    static final int WINDOW = 256;

    private DatagramModesRun() {
    }

    /** The settings of one measurement. */
    private record Options(int size, int window) {
    }

    static List<String> configuration(DatagramIo io, int size) {
        return List.of("I/O: " + io.name() + "; UdpServer on 127.0.0.1 echoing every datagram from its session "
                        + "listener (on the reading thread), idle time-out off",
                "N connected DatagramChannel peers driven by one thread, round-robin, " + size + "-byte datagrams, at "
                        + "most " + WINDOW + " in flight (ceil(" + WINDOW + " / N) per peer); a fresh server per "
                        + "iteration, 1 s of load before the measured time",
                "messages/s: datagrams that reached sessions per second; CPU: the whole process (server, peers, "
                        + "driver)");
    }

    /** Datagrams handled, per thread that ran the handler (platform threads by name; virtual ones together). */
    private static final class PerThread {
        final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();
        final ThreadLocal<LongAdder> mine = ThreadLocal.withInitial(() -> counts.computeIfAbsent(
                Thread.currentThread().isVirtual() ? "virtual threads" : Thread.currentThread().getName(),
                k -> new LongAdder()));

        long total() {
            return counts.values().stream().mapToLong(LongAdder::sum).sum();
        }

        Map<String, Long> snapshot() {
            Map<String, Long> m = new TreeMap<>();
            counts.forEach((k, v) -> m.put(k, v.sum()));
            return m;
        }
    }

    /**
     * Measures {@code modeSpec} with {@code peers} peers for {@code nanos} after {@code warmupNanos} of load.
     */
    static ModeFigures measure(String modeSpec, int peers, DatagramIo io, int size, long warmupNanos, long nanos)
            throws IOException {
        Options opt = new Options(size, WINDOW);
        String[] ms = modeSpec.split(":");
        ServerMode mode = ServerMode.valueOf(ms[0]);
        UdpServerConfig.Builder b = UdpServerConfig.builder().mode(mode).io(io)
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).idleTimeout(Duration.ZERO);
        if (ms.length > 1 && mode == ServerMode.CONNECTED) {
            b.maxConnectedSockets(Integer.parseInt(ms[1]));
        } else if (ms.length > 1 && mode == ServerMode.SHARDED) {
            b.shards(Integer.parseInt(ms[1]));
        }
        PerThread handled = new PerThread();
        AtomicLong sendErrors = new AtomicLong();
        DatagramSessionListener echo = new DatagramSessionListener() {
            @Override
            public void onDatagram(DatagramSession session, ByteBuffer datagram) {
                handled.mine.get().increment();
                try {
                    session.send(datagram);
                } catch (IOException e) {
                    sendErrors.incrementAndGet();
                }
            }
        };
        b.sessionListener(s -> echo);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long driverThread = Thread.currentThread().threadId();
        try (UdpServer server = UdpServer.open(b.build()); Driver d = new Driver(server.localAddress(), peers, opt)) {
            d.prime();
            if (server.sessionCount() != peers) {
                throw new IllegalStateException("sessions: " + server.sessionCount() + " of " + peers);
            }
            d.run(warmupNanos);
            String load = HostCounters.loadAverage();
            ServerStats s0 = server.stats();
            long h0 = handled.total();
            Map<String, Long> per0 = handled.snapshot();
            long e0 = d.echoes;
            long l0 = d.lost;
            long sent0 = d.sent;
            long k0 = HostCounters.udpCounter("RcvbufErrors");
            Map<String, Long> cpu0 = HostCounters.cpuByThreadGroup(threads, "udpnet-io");
            long p0 = os.getProcessCpuTime();
            long c0 = threads.getThreadCpuTime(driverThread);
            long t0 = System.nanoTime();
            d.run(nanos);
            long t1 = System.nanoTime();
            long c1 = threads.getThreadCpuTime(driverThread);
            long p1 = os.getProcessCpuTime();
            Map<String, Long> cpu1 = HostCounters.cpuByThreadGroup(threads, "udpnet-io");
            long k1 = HostCounters.udpCounter("RcvbufErrors");
            ServerStats s1 = server.stats();
            long h1 = handled.total();
            Map<String, Long> per1 = handled.snapshot();

            double secs = (t1 - t0) / 1e9;
            double rate = (h1 - h0) / secs;
            double echoes = (d.echoes - e0) / secs;
            double driverCores = (c1 - c0) / 1e9 / secs;
            double serverCores = ((p1 - p0) - (c1 - c0)) / 1e9 / secs;
            StringBuilder detail = new StringBuilder();
            detail.append(String.format(Locale.ROOT, "%s, %d peers: handled per thread:", modeSpec, peers));
            per1.forEach((k, v) -> detail.append(' ').append(k).append('=').append(v - per0.getOrDefault(k, 0L)));
            detail.append("; CPU ms per thread group:");
            cpu1.forEach((k, v) -> {
                long ms1 = (v - cpu0.getOrDefault(k, 0L)) / 1_000_000;
                if (ms1 > 0) {
                    detail.append(' ').append(k).append('=').append(ms1);
                }
            });
            detail.append("; send errors ").append(sendErrors.get()).append("; drops since start:");
            s1.drops().forEach((k, v) -> {
                if (v > 0) {
                    detail.append(' ').append(k).append('=').append(v);
                }
            });
            detail.append(String.format(Locale.ROOT, "; echoes/s %,.0f; server drops %d; kernel rcvbuf errors %d; "
                            + "written off %d; driver %.2f cores, rest %.2f; load %s", echoes,
                    s1.totalDrops() - s0.totalDrops(), k1 - k0, d.lost - l0, driverCores, serverCores, load));
            double cores = (p1 - p0) / 1e9 / secs;
            return new ModeFigures(rate, rate * opt.size(), cores, d.sent - sent0, h1 - h0, detail.toString());
        }
    }

    /** N peer sockets driven from the calling thread, with a bounded number of datagrams in flight. */
    private static final class Driver implements AutoCloseable {
        private final DatagramChannel[] peers;
        private final Selector selector;
        private final int[] inFlight;
        private final int window;
        private final int perPeer;
        private final ByteBuffer out;
        private final ByteBuffer in = ByteBuffer.allocateDirect(65_536);
        private int total;
        private int cursor;
        long echoes;
        long lost;
        long sent;

        Driver(InetSocketAddress server, int n, Options opt) throws IOException {
            this.peers = new DatagramChannel[n];
            this.inFlight = new int[n];
            this.window = opt.window();
            this.perPeer = Math.max(1, (opt.window() + n - 1) / n);
            this.out = ByteBuffer.allocateDirect(opt.size());
            for (int i = 0; i < opt.size(); i++) {
                out.put(i, (byte) i);
            }
            this.selector = Selector.open();
            try {
                for (int i = 0; i < n; i++) {
                    DatagramChannel ch = DatagramChannel.open();
                    peers[i] = ch;
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
                    ch.bind(new InetSocketAddress("127.0.0.1", 0));
                    ch.connect(server);
                    ch.configureBlocking(false);
                    ch.register(selector, SelectionKey.OP_READ, i);
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Gives every peer its session: one datagram each, in groups of at most a window, until each is echoed. */
        void prime() throws IOException {
            for (int from = 0; from < peers.length; from += window) {
                int to = Math.min(peers.length, from + window);
                for (int attempt = 0; attempt < 10; attempt++) {
                    int waiting = 0;
                    for (int i = from; i < to; i++) {
                        if (inFlight[i] == 0) {
                            send(i);
                        }
                    }
                    long deadline = System.nanoTime() + 100_000_000L;
                    while (System.nanoTime() < deadline) {
                        waiting = 0;
                        for (int i = from; i < to; i++) {
                            waiting += inFlight[i] > 0 ? 1 : 0;
                        }
                        if (waiting == 0) {
                            break;
                        }
                        selector.select(10);
                        receive();
                    }
                    if (waiting == 0) {
                        break;
                    }
                    // Resend whatever is still missing; a late echo of the first copy is simply not counted.
                    for (int i = from; i < to; i++) {
                        if (inFlight[i] > 0) {
                            inFlight[i] = 0;
                        }
                    }
                    total = 0;
                }
            }
            drainQuietly();
        }

        private void drainQuietly() throws IOException {
            long until = System.nanoTime() + 50_000_000L;
            while (System.nanoTime() < until) {
                selector.select(10);
                receive();
            }
            Arrays.fill(inFlight, 0);
            total = 0;
        }

        private boolean send(int i) throws IOException {
            out.clear();
            if (peers[i].write(out) == 0) {
                return false;
            }
            inFlight[i]++;
            total++;
            sent++;
            return true;
        }

        private void receive() throws IOException {
            for (SelectionKey k : selector.selectedKeys()) {
                int i = (Integer) k.attachment();
                DatagramChannel ch = peers[i];
                while (true) {
                    in.clear();
                    if (ch.read(in) <= 0) {
                        break;
                    }
                    echoes++;
                    if (inFlight[i] > 0) {
                        inFlight[i]--;
                        total--;
                    }
                }
            }
            selector.selectedKeys().clear();
        }

        /** Keeps the window full for {@code nanos}. */
        void run(long nanos) throws IOException {
            long end = System.nanoTime() + nanos;
            long lastProgress = System.nanoTime();
            int n = peers.length;
            while (true) {
                int skipped = 0;
                while (total < window && skipped < n) {
                    int i = cursor;
                    cursor = cursor + 1 == n ? 0 : cursor + 1;
                    if (inFlight[i] < perPeer) {
                        if (!send(i)) {
                            break;
                        }
                        skipped = 0;
                    } else {
                        skipped++;
                    }
                }
                long before = echoes;
                if (total >= window ? selector.select(10) > 0 : selector.selectNow() > 0) {
                    receive();
                }
                long now = System.nanoTime();
                if (echoes != before || total < window) {
                    lastProgress = now;
                } else if (now - lastProgress > STALL_NANOS) {
                    lost += total;
                    Arrays.fill(inFlight, 0);
                    total = 0;
                    lastProgress = now;
                }
                if (now >= end) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            selector.close();
            for (DatagramChannel ch : peers) {
                if (ch != null) {
                    ch.close();
                }
            }
        }
    }
}
