package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.engine.ConnectionStats;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;
import io.udpnet.messaging.MessageServerStats;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The {@code modes} scenario at the message level: messages per second through {@link MessageServer} on loopback,
 * in one server mode with N client connections; the counterpart of {@link DatagramModesRun}.
 *
 * <p>The server binds 127.0.0.1 port 0 with one {@code RELIABLE_ORDERED} channel and otherwise default settings; its
 * {@link CountingReceiver} counts every message on the server's I/O thread and checks that it is the next one of
 * its connection. N client connections on one {@code MessageClient}, each with its own connected socket; one thread
 * sends messages round-robin over the connections with {@code trySend}, as fast as back-pressure allows (see
 * {@link MessageLoad}). After the warm-up, two snapshots the measured time apart give the figures; then the sender
 * stops and the run waits until every message sent has arrived (a missing or misordered message fails the run).
 *
 * <p>The detail line gives datagrams per second, messages per datagram, retransmissions, lost datagrams, the
 * kernel's UDP receive-buffer errors ({@code /proc/net/snmp}, system-wide; in brackets the drop counters of the
 * server's and the clients' sockets from {@code /proc/net/udp} and {@code udp6}), per-connection spread and CPU per
 * thread.
 */
final class MessageModesRun {
    private static final long CONNECT_WAIT_NANOS = 10_000_000_000L;
    private static final long DRAIN_WAIT_NANOS = 30_000_000_000L;

    private MessageModesRun() {
    }

    static List<String> configuration(DatagramIo io, int size) {
        return List.of("I/O: " + io.name() + "; MessageServer on 127.0.0.1, one RELIABLE_ORDERED channel, default "
                        + "settings; its listener counts and checks every message on the server's I/O threads",
                "N connections on one MessageClient, one thread sending " + size + "-byte messages round-robin with "
                        + "trySend as fast as back-pressure allows; a fresh server per iteration, 1 s of load "
                        + "before the measured time; every message sent must arrive, in order",
                "messages/s: messages the server took per second; CPU: the whole process (server, clients, "
                        + "sender)");
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

    /** Measures {@code modeSpec} with {@code n} connections for {@code nanos} after {@code warmupNanos} of load. */
    static ModeFigures measure(String modeSpec, int n, DatagramIo io, int size, long warmupNanos, long nanos)
            throws Exception {
        String[] ms = modeSpec.split(":");
        ServerMode mode = ServerMode.valueOf(ms[0].toUpperCase(Locale.ROOT));
        ConnectionConfig config = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED).build();
        CountingReceiver rx = new CountingReceiver(n);
        MessageServerConfig.Builder b = MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(mode).connection(config).listener(rx).io(io);
        if (ms.length > 1 && mode == ServerMode.CONNECTED) {
            b.maxConnectedSockets(Integer.parseInt(ms[1]));
        } else if (ms.length > 1 && mode == ServerMode.SHARDED) {
            b.shards(Integer.parseInt(ms[1]));
        }
        long c0 = System.nanoTime();
        try (MessageServer server = MessageServer.open(b.build());
             MessageLoad load = MessageLoad.open(server.localAddress(), config, io, n, 1, size)) {
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
            Thread.sleep(warmupNanos / 1_000_000);
            String loadBefore = HostCounters.loadAverage();
            Snapshot a = Snapshot.take(rx, load, server, serverConnections);
            Thread.sleep(Math.max(0, nanos / 1_000_000 - a.tookNanos() / 1_000_000));
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
            long total = Arrays.stream(sent).sum();
            ModeFigures f = report(modeSpec, n, own, size, a, z, rx, loadBefore, loadAfter);
            String more = String.format(Locale.ROOT, "; connected in %d ms; snapshots took %d and %d ms; "
                            + "sender backed off %,d times; %,d messages sent, %,d missing %d s after the sender "
                            + "stopped%s", connectMillis, a.tookNanos() / 1_000_000,
                    z.tookNanos() / 1_000_000, load.heldBack(), total, missing,
                    DRAIN_WAIT_NANOS / 1_000_000_000L, error == null ? "" : "; first error: " + error);
            f = new ModeFigures(f.perSecond(), f.bytesPerSecond(), f.cores(), f.sent(), f.delivered(),
                    f.detail() + more);
            if (missing != 0 || error != null) {
                throw new IllegalStateException(modeSpec + " with " + n + " connections: " + missing
                        + " messages missing" + (error == null ? "" : ", " + error));
            }
            return f;
        }
    }

    /** The figures and the detail line. {@code own}: connections with a connected socket of their own. */
    private static ModeFigures report(String modeSpec, int n, int own, int size, Snapshot a, Snapshot z,
                                      CountingReceiver rx, String loadBefore, String loadAfter) {
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
        d.append(String.format(Locale.ROOT, "%s, %d connections over %.2f s: messages per connection min %,d, "
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
        d.append(String.format(Locale.ROOT, "; datagrams/s %,.0f (%.1f messages each); retransmitted %,d; lost %,d "
                        + "(spurious %,d); kernel rcvbuf errors %,d (server sockets %,d / client sockets %,d); "
                        + "misordered %d; load %s / %s", datagrams / secs,
                datagrams == 0 ? 0.0 : (double) messages / datagrams, retransmitted, lost, spurious,
                z.rcvbufErrors() - a.rcvbufErrors(), z.socketDrops()[0] - a.socketDrops()[0],
                z.socketDrops()[1] - a.socketDrops()[1], rx.misordered(), loadBefore, loadAfter));
        // Messages taken in the measured time, as sent and as delivered: nothing may be missing at the end (checked
        // after the drain), so the two counts of a whole run are equal by then.
        return new ModeFigures(rate, rate * size, cores, messages, messages, d.toString());
    }

    private static long delta(ConnectionStats[] a, ConnectionStats[] z, ToLongFunction<ConnectionStats> f) {
        long sum = 0;
        for (int i = 0; i < z.length; i++) {
            sum += f.applyAsLong(z[i]) - f.applyAsLong(a[i]);
        }
        return sum;
    }
}
