package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.io.DatagramIo;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * The {@code scale} scenario for a udpnet peer at one client count: the echo server in a child JVM
 * ({@link ScaleServerProcess} running {@link ScaleServer}), so that its CPU time, heap and resident set are its own,
 * and the load ({@link ScaleLoad}) in this JVM. Opening it measures the connect phase (every connection at once:
 * handshakes per second, the server's CPU per handshake, its heap and RSS per connection); each round then the round
 * trips, the server's CPU per echoed message and cores, and this process's cores (the clients'); {@link #idle} the
 * server's cores with nothing sent.
 */
final class ScaleRun implements ScaleDriver {
    static final int PER_SECOND = ScaleLoad.PER_SECOND;
    /** Connections opened and closed again before the connect phase is measured (fewer when fewer are asked). */
    static final int WARM_UP = 500;

    private final ScaleServerProcess server;
    private final ScaleLoad load;
    private final int count;
    private String connectLine = "";
    /** The server's live heap before connecting. */
    private long heapBefore;

    private ScaleRun(ScaleServerProcess server, ScaleLoad load, int count) {
        this.server = server;
        this.load = load;
        this.count = count;
    }

    /**
     * Starts the server process, opens the clients and connects them all; stops everything again if that fails.
     *
     * @param io       the server's I/O and the clients'
     * @param count    connections
     * @param err      where the server process's stderr goes
     * @param result   where the connect phase's figures go
     */
    static ScaleRun open(DatagramIo io, int count, Writer err, PeerResult result) throws IOException,
            InterruptedException {
        ScaleServerProcess server = ScaleServerProcess.start(io.name().equals(Peers.NATIVE_IO) ? "native" : "nio",
                count, err);
        ScaleLoad load = null;
        try {
            load = ScaleLoad.open(io, count);   // the clients on the same I/O: one I/O end to end
            ScaleRun run = new ScaleRun(server, load, count);
            run.connect(result);
            return run;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (load != null) {
                load.close();
            }
            server.close();
            throw e;
        }
    }

    private void connect(PeerResult result) throws IOException, InterruptedException {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
        // A fresh JVM's first handshakes run in the interpreter: warm both ends up, and wait until the server has
        // let those connections go, so that the figures below are the steady state's.
        load.warmUp(address, Math.min(count, WARM_UP));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (server.cpu().connections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        ScaleServerProcess.Stats before = server.stats();
        if (before.connections() != 0) {
            throw new IOException("scale: the server still holds " + before.connections() + " warm-up connections");
        }
        long rssBefore = server.settledRssBytes();
        ScaleServerProcess.Stats c0 = server.cpu();
        long nanos = load.connectAll(address);
        ScaleServerProcess.Stats c1 = server.cpu();
        ScaleServerProcess.Stats after = server.stats();
        long rssAfter = server.settledRssBytes();
        if (after.connections() != count) {
            throw new IOException("scale: the server holds " + after.connections() + " connections, " + count
                    + " expected");
        }
        ScaleFigures f = result.scale;
        f.handshakesPerSecond = count * 1e9 / nanos;
        f.serverCpuNanosPerHandshake = (double) (c1.cpuNanos() - c0.cpuNanos()) / count;
        heapBefore = before.heapBytes();
        f.heapPerConnection = (after.heapBytes() - heapBefore) / count;
        f.rssPerConnection = rssBefore < 0 || rssAfter < 0 ? ScaleFigures.NOT_MEASURED
                : (rssAfter - rssBefore) / count;
        connectLine = String.format(Locale.ROOT, "%,d connections open in %.1f ms (%,.0f handshakes/s, server "
                        + "%.1f us CPU per handshake); server heap %,d B, RSS %s per connection (pid %d)", count,
                nanos / 1e6, f.handshakesPerSecond, f.serverCpuNanosPerHandshake / 1e3, f.heapPerConnection,
                rssBefore < 0 || rssAfter < 0 ? "n/a" : String.format(Locale.ROOT, "%,d B", f.rssPerConnection),
                server.pid());
    }

    static List<String> configuration(DatagramIo io) {
        return List.of("server: MessageServer SHARDED (a SO_REUSEPORT socket and an I/O thread per core) echoing with "
                        + "trySend, in a child JVM (same java and class path, " + ScaleServerProcess.HEAP + ", I/O " + io.name() + ")",
                "load, in the bench's JVM: a MessageClient (one I/O thread) per "
                        + ScaleLoad.CONNECTIONS_PER_THREAD + " connections on " + io.name()
                        + ", channel RELIABLE_ORDERED, "
                        + ScaleLoad.SIZE + "-byte messages, " + PER_SECOND + " per second per connection, sent "
                        + "round-robin by one thread that parks until the next is due but at least "
                        + ScaleLoad.TICK_NANOS / 1000 + " us, then sends all that are due (no busy-spinning); "
                        + "round trips from each message's due time; max ack delay "
                        + ScaleServer.MAX_ACK_DELAY.toMillis() + " ms at both ends (a client's ack of an echo rides on its next message)",
                "connect: first min(N, " + WARM_UP + ") connections opened and closed again (JIT warm-up), then "
                        + "every connection started at once with connectAsync (client connect timeout 60 s, not 5 s, "
                        + "so that none of a storm is cut off); handshakes/s = connections / time to the last one "
                        + "open; server CPU per handshake from its process CPU time",
                "server heap and RSS per connection: the bytes of its reachable objects (its class histogram) and "
                        + "its VmRSS, with every connection open less before connecting, over the connections; heap "
                        + "per idle connection the same at the end of the idle phase",
                "idle phase (rounds of 2 s or more): 5 s quiet, then the server's cores over two keep-alive "
                        + "intervals (2 x " + ConnectionConfig.defaults().keepAliveNanos() / 1_000_000_000L
                        + " s), so that each connection's keep-alive exchanges fall in it; 5 s without a keep-alive "
                        + "for 1-s rounds",
                "cores: the server process's CPU time over wall time; client cores: the bench process's; process "
                        + "CPU time as the system counts it (in 10 ms ticks on some kernels, so short phases are "
                        + "coarse)");
    }

    @Override
    public String connected(PeerResult result) {
        return connectLine;
    }

    @Override
    public String measure(long nanos, PeerResult result, boolean counted) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ScaleServerProcess.Stats s0 = server.cpu();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        ScaleLoad.Round round = load.round(nanos);
        long t1 = System.nanoTime();
        long c1 = os.getProcessCpuTime();
        ScaleServerProcess.Stats s1 = server.cpu();
        long serverCpu = s1.cpuNanos() - s0.cpuNanos();
        long serverEchoed = s1.echoed() - s0.echoed();
        double serverCores = (double) serverCpu / (t1 - t0);
        double clientCores = (double) (c1 - c0) / (t1 - t0);
        Histogram h = round.rtt();
        if (counted) {
            result.rtt.add(h);
            result.sent += round.sent() + round.refused();
            result.delivered += round.echoed();
            result.cores.add(clientCores);
            result.scale.serverCores.add(serverCores);
            result.scale.serverCpuNanos += serverCpu;
            result.scale.serverEchoed += serverEchoed;
        }
        return String.format(Locale.ROOT, "%,d connections: %,d of %,d echoed (%,d refused by trySend, %,d late "
                        + "echoes of the round before left out), p50 %.1f us, p99 %.1f us, max %.1f us; server %.2f "
                        + "cores, %.2f us CPU per echo; clients %.2f cores",
                count, round.echoed(), round.sent() + round.refused(), round.refused(), round.stale(),
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3,
                serverCores, serverEchoed == 0 ? Double.NaN : serverCpu / 1e3 / serverEchoed, clientCores);
    }

    @Override
    public String idle(long settleNanos, long nanos, PeerResult result) throws Exception {
        Thread.sleep(settleNanos / 1_000_000);
        ScaleServerProcess.Stats s0 = server.cpu();
        long t0 = System.nanoTime();
        Thread.sleep(nanos / 1_000_000);
        ScaleServerProcess.Stats s1 = server.cpu();
        long t1 = System.nanoTime();
        ScaleFigures f = result.scale;
        f.idleServerCores = (double) (s1.cpuNanos() - s0.cpuNanos()) / (t1 - t0);
        f.idleSeconds = (t1 - t0) / 1e9;
        f.idleHeapPerConnection = (server.stats().heapBytes() - heapBefore) / count;
        return String.format(Locale.ROOT, "%,d idle connections for %.1f s: server %.4f cores, heap %,d B per "
                + "connection", count, f.idleSeconds, f.idleServerCores, f.idleHeapPerConnection);
    }

    @Override
    public void close() {
        load.close();
        server.close();
    }
}
