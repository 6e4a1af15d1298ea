package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.engine.ConnectionStats;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;
import io.udpnet.messaging.MessageServerStats;
import io.udpnet.io.ServerMode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Messages per second through {@link MessageServer} on loopback, per server strategy and number of client
 * connections: the message level's counterpart of {@link ServerModesBench}.
 *
 * <p>Not a JMH benchmark: it measures the rate of asynchronous servers and clients under load, with the CPU time
 * and the losses it costs. Every configuration runs in a fresh JVM (unless {@code --fork false}), one after the
 * other, so the rows of one run can be compared as ratios.
 *
 * <p>The server binds 127.0.0.1 port 0 with one {@code RELIABLE_ORDERED} channel and otherwise default settings; its
 * {@link CountingReceiver} counts every message on the server's I/O thread and checks that it is the next one of
 * its connection. N client connections, spread over {@code --clients} {@code MessageClient}s, each with its own
 * connected socket; one thread sends {@code --size}-byte messages round-robin over the connections with
 * {@code trySend}, as fast as back-pressure allows (see {@link MessageLoad}). After the warm-up, two snapshots
 * {@code --seconds} apart give the figures; then the sender stops and the run waits until every message sent has
 * arrived.
 *
 * <p>Per configuration it reports messages delivered per second, the datagrams the server's connections processed
 * per second, messages per datagram, the process's CPU time per second of wall time (server, clients, sender and
 * the JVM: everything runs in the one process), messages per CPU-second, the clients' retransmissions and lost
 * datagrams (summed over connections), the kernel's UDP receive-buffer errors during the measured interval
 * ({@code /proc/net/snmp}, system-wide; in brackets the drop counters of the server's sockets and of the clients'
 * sockets from {@code /proc/net/udp} and {@code udp6}), misordered messages, and the 1-minute load average before
 * and after. Per-connection spread, CPU per thread and the other counters go to stderr.
 *
 * <pre>
 * bin/bench --main io.udpnet.bench.MessageModesBench [--modes SHARED,SHARDED,CONNECTED]
 *     [--connections 1,100,1000] [--clients 1] [--size 32] [--warmup 3] [--seconds 5] [--rounds 1] [--fork true]
 * </pre>
 *
 * {@code CONNECTED:n} sets {@code maxConnectedSockets} to n (default 256); {@code SHARDED:n} sets the number of
 * sockets (default: the number of processors).
 */
public final class MessageModesBench {
    private static final long CONNECT_WAIT_NANOS = 10_000_000_000L;
    private static final long DRAIN_WAIT_NANOS = 30_000_000_000L;

    private MessageModesBench() {
    }

    /** Options of one run. */
    record Options(List<String> modes, List<Integer> connections, int clients, int size, int warmup, int seconds,
                   int rounds, boolean fork, String single) {
    }

    /**
     * Runs the benchmark; exits with status 2 on bad arguments.
     *
     * @param args the options, see the class comment
     * @throws Exception when a configuration fails
     */
    public static void main(String[] args) throws Exception {
        Options opt;
        try {
            opt = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("MessageModesBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (opt.single() != null) {
            String[] mc = opt.single().split("/");
            System.out.println(ForkedRun.ROW + runOne(mc[0], Integer.parseInt(mc[1]), opt));
            return;
        }
        System.out.printf(Locale.ROOT, "# %d processors, %s %s; %d-byte messages, connections spread over %d "
                        + "client(s), warm-up %d s, measured %d s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), opt.size(), opt.clients(), opt.warmup(), opt.seconds());
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < opt.rounds(); r++) {
            for (int n : opt.connections()) {
                for (String m : opt.modes()) {
                    String before = HostCounters.loadAverage();
                    String row = opt.fork()
                            ? ForkedRun.row(MessageModesBench.class, args, m + "/" + n,
                                    m + " with " + n + " connections")
                            : runOne(m, n, opt);
                    System.out.println("# load average before " + before + ", after " + HostCounters.loadAverage());
                    System.out.println(row);
                    rows.add(row);
                }
            }
        }
        System.out.println();
        System.out.println(header());
        rows.forEach(System.out::println);
    }

    static Options parse(String[] args) {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("modes", "SHARED,SHARDED,CONNECTED");
        defaults.put("connections", "1,100,1000");
        defaults.put("clients", "1");
        defaults.put("size", "32");
        defaults.put("warmup", "3");
        defaults.put("seconds", "5");
        defaults.put("rounds", "1");
        defaults.put("fork", "true");
        defaults.put("single", "");
        BenchArgs a = BenchArgs.parse(args, defaults, Set.of());
        List<String> modes = List.of(a.text("modes").split(","));
        for (String m : modes) {
            checkMode(m);
        }
        String fork = a.text("fork");
        if (!fork.equals("true") && !fork.equals("false")) {
            throw new IllegalArgumentException("--fork: true or false expected, got '" + fork + "'");
        }
        int maxSize = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED).build()
                .maxMessageSize(MessageLoad.CHANNEL);
        return new Options(modes, a.numbers("connections", 1, 10_000), a.number("clients", 1, 64),
                a.number("size", CountingReceiver.HEADER, maxSize), a.number("warmup", 0, 3600),
                a.number("seconds", 1, 3600), a.number("rounds", 1, 1000), Boolean.parseBoolean(fork),
                a.text("single").isEmpty() ? null : a.text("single"));
    }

    /** SHARED, SHARDED, SHARDED:n (1..256 sockets) or CONNECTED, CONNECTED:n (0..100,000 connected sockets). */
    private static void checkMode(String spec) {
        String[] ms = spec.split(":", -1);
        ServerMode mode = null;
        for (ServerMode m : ServerMode.values()) {
            if (m.name().equalsIgnoreCase(ms[0])) {
                mode = m;
            }
        }
        boolean ok = mode != null && ms.length <= 2;
        if (ok && ms.length == 2) {
            try {
                int n = Integer.parseInt(ms[1]);
                ok = mode == ServerMode.SHARDED ? n >= 1 && n <= 256
                        : mode == ServerMode.CONNECTED && n >= 0 && n <= 100_000;
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("--modes: SHARED, SHARDED, SHARDED:n (1..256), CONNECTED or "
                    + "CONNECTED:n (0..100000) expected, got '" + spec + "'");
        }
    }

    private static String header() {
        return "| mode | connections | messages/s to the server | datagrams/s | messages per datagram | CPU (cores)"
                + " | messages per CPU-second | retransmitted | lost (spurious) | kernel rcvbuf errors"
                + " (server / client sockets) | misordered | load (1 min) before / after |"
                + "\n|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    /** What is read at each end of the measured interval. */
    private record Snapshot(long nanos, long delivered, long[] perConnection, long processCpu, long senderCpu,
                            Map<String, Long> cpuByThread, long rcvbufErrors, long sndbufErrors, long[] socketDrops,
                            ConnectionStats[] client, ConnectionStats[] server, MessageServerStats serverStats,
                            long tookNanos) {
        static Snapshot take(CountingReceiver rx, MessageLoad load, MessageServer server,
                             List<MessageConnection> serverConnections) throws InterruptedException {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long t = System.nanoTime();
            long delivered = rx.delivered();
            long[] per = rx.deliveredPerConnection();
            long cpu = os.getProcessCpuTime();
            long sender = threads.getThreadCpuTime(load.senderThread().threadId());
            long rcv = HostCounters.udpCounter("RcvbufErrors");
            long snd = HostCounters.udpCounter("SndbufErrors");
            long[] drops = HostCounters.udpSocketDrops(server.localAddress().getPort());
            Map<String, Long> byThread = HostCounters.cpuByThreadGroup(threads, "udpnet-server");
            ConnectionStats[] c = MessageLoad.stats(List.of(load.connections()));
            ConnectionStats[] s = MessageLoad.stats(serverConnections);
            MessageServerStats ss = server.stats();
            return new Snapshot(t, delivered, per, cpu, sender, byThread, rcv, snd, drops, c, s, ss,
                    System.nanoTime() - t);
        }
    }

    static String runOne(String modeSpec, int n, Options opt) throws Exception {
        String[] ms = modeSpec.split(":");
        ServerMode mode = ServerMode.valueOf(ms[0].toUpperCase(Locale.ROOT));
        ConnectionConfig config = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED).build();
        CountingReceiver rx = new CountingReceiver(n);
        MessageServerConfig.Builder b = MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(mode).connection(config).listener(rx);
        if (ms.length > 1 && mode == ServerMode.CONNECTED) {
            b.maxConnectedSockets(Integer.parseInt(ms[1]));
        } else if (ms.length > 1 && mode == ServerMode.SHARDED) {
            b.shards(Integer.parseInt(ms[1]));
        }
        long c0 = System.nanoTime();
        try (MessageServer server = MessageServer.open(b.build());
             MessageLoad load = MessageLoad.open(server.localAddress(), config, n, opt.clients(), opt.size())) {
            while (rx.serverConnections().size() < n) {
                if (System.nanoTime() - c0 > CONNECT_WAIT_NANOS) {
                    throw new IllegalStateException("the server saw " + rx.serverConnections().size() + " of " + n
                            + " connections");
                }
                Thread.sleep(1);
            }
            List<MessageConnection> serverConnections = rx.serverConnections();
            long connectMillis = (System.nanoTime() - c0) / 1_000_000;
            load.start();
            Thread.sleep(opt.warmup() * 1000L);
            String loadBefore = HostCounters.loadAverage();
            Snapshot a = Snapshot.take(rx, load, server, serverConnections);
            Thread.sleep(Math.max(0, opt.seconds() * 1000L - a.tookNanos() / 1_000_000));
            Snapshot z = Snapshot.take(rx, load, server, serverConnections);
            long[] sent = load.stop();
            String loadAfter = HostCounters.loadAverage();
            long drainStart = System.nanoTime();
            while (!rx.hasAll(sent) && System.nanoTime() - drainStart < DRAIN_WAIT_NANOS) {
                Thread.sleep(1);
            }
            long missing = Arrays.stream(sent).sum() - rx.delivered();
            String error = rx.firstError();
            int own = server.mode() == ServerMode.CONNECTED ? Math.min(n, server.config().maxConnectedSockets()) : 0;
            String row = report(modeSpec, n, own, a, z, rx, loadBefore, loadAfter);
            System.err.printf(Locale.ROOT, "# %s, %d connections: connected in %d ms; snapshots took %d and %d ms; "
                            + "sender backed off %,d times; %,d messages sent, %,d missing %d s after the sender "
                            + "stopped%s%n", modeSpec, n, connectMillis, a.tookNanos() / 1_000_000,
                    z.tookNanos() / 1_000_000, load.heldBack(), Arrays.stream(sent).sum(), missing,
                    DRAIN_WAIT_NANOS / 1_000_000_000L, error == null ? "" : "; first error: " + error);
            if (missing != 0 || error != null) {
                throw new IllegalStateException(modeSpec + " with " + n + " connections: " + missing
                        + " messages missing" + (error == null ? "" : ", " + error));
            }
            return row;
        }
    }

    /** The row of the table; details to stderr. {@code own}: connections with a connected socket of their own. */
    private static String report(String modeSpec, int n, int own, Snapshot a, Snapshot z, CountingReceiver rx,
                                 String loadBefore, String loadAfter) {
        double secs = (z.nanos() - a.nanos()) / 1e9;
        long messages = z.delivered() - a.delivered();
        long datagrams = delta(a.server(), z.server(), ConnectionStats::datagramsReceived);
        double cores = (z.processCpu() - a.processCpu()) / 1e9 / secs;
        double rate = messages / secs;
        long retransmitted = delta(a.client(), z.client(), ConnectionStats::retransmissions);
        long lost = delta(a.client(), z.client(), ConnectionStats::datagramsLost);
        long spurious = delta(a.client(), z.client(), ConnectionStats::spuriousLosses)
                + delta(a.client(), z.client(), ConnectionStats::spuriousProbeTimeouts);
        long[] per = new long[n];
        for (int i = 0; i < n; i++) {
            per[i] = z.perConnection()[i] - a.perConnection()[i];
        }
        long[] spread = CountingReceiver.spread(per);
        StringBuilder d = new StringBuilder();
        d.append(String.format(Locale.ROOT, "# %s, %d connections over %.2f s: messages per connection min %,d, "
                        + "median %,d, max %,d (%d with none); client datagrams sent %,d, refused by the server %,d; "
                        + "server datagrams sent %,d, reliable packets received again %,d, duplicate datagrams %,d; "
                        + "server stats: inbox drops %d, send drops %d, forwarded %d; "
                        + "kernel SndbufErrors %d; sender CPU %.2f cores; CPU ms per thread:",
                modeSpec, n, secs, spread[0], spread[1], spread[2], spread[3],
                delta(a.client(), z.client(), ConnectionStats::datagramsSent),
                delta(a.client(), z.client(), ConnectionStats::refusedByPeer),
                delta(a.server(), z.server(), ConnectionStats::datagramsSent),
                delta(a.server(), z.server(), ConnectionStats::duplicatePackets),
                delta(a.server(), z.server(), ConnectionStats::duplicateDatagrams),
                z.serverStats().inboxDrops() - a.serverStats().inboxDrops(),
                z.serverStats().sendDrops() - a.serverStats().sendDrops(),
                z.serverStats().forwarded() - a.serverStats().forwarded(),
                z.sndbufErrors() - a.sndbufErrors(), (z.senderCpu() - a.senderCpu()) / 1e9 / secs));
        z.cpuByThread().forEach((k, v) -> {
            long ms1 = (v - a.cpuByThread().getOrDefault(k, 0L)) / 1_000_000;
            if (ms1 > 0) {
                d.append(' ').append(k).append('=').append(ms1);
            }
        });
        if (own > 0 && own < n) {
            // Connected one after the other, so the first ones accepted, which got the connected sockets.
            d.append(String.format(Locale.ROOT, "; mean messages per connection: the first %d (own sockets) %,.0f, "
                    + "the other %d (on the listener) %,.0f", own, Arrays.stream(per, 0, own).average().orElse(0),
                    n - own, Arrays.stream(per, own, n).average().orElse(0)));
        }
        System.err.println(d);
        return String.format(Locale.ROOT, "| %s | %,d | %,.0f | %,.0f | %.1f | %.2f | %,.0f | %,d | %,d (%,d) | %,d "
                        + "(%,d / %,d) | %d | %s / %s |", modeSpec, n, rate, datagrams / secs,
                datagrams == 0 ? 0.0 : (double) messages / datagrams, cores, cores > 0 ? rate / cores : 0,
                retransmitted, lost, spurious, z.rcvbufErrors() - a.rcvbufErrors(),
                z.socketDrops()[0] - a.socketDrops()[0], z.socketDrops()[1] - a.socketDrops()[1], rx.misordered(),
                loadBefore, loadAfter);
    }

    private static long delta(ConnectionStats[] a, ConnectionStats[] z, ToLongFunction<ConnectionStats> f) {
        long sum = 0;
        for (int i = 0; i < z.length; i++) {
            sum += f.applyAsLong(z[i]) - f.applyAsLong(a[i]);
        }
        return sum;
    }
}
