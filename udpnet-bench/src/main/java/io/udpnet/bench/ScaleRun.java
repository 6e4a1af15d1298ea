package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;
import io.udpnet.messaging.ConnectionClosedException;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageClientConfig;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageConnectionListener;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code scale} scenario for a udpnet peer: one SHARED {@link MessageServer} that echoes every message, and
 * {@code --clients} connections spread over {@value #CLIENT_THREADS} {@link MessageClient}s (one I/O thread each).
 * One thread sends {@value #PER_SECOND} reliable-ordered messages per second per connection, round-robin on a fixed
 * schedule; each echo's round trip counts from when its message was due (see {@link PingSchedule}). Heap per
 * connection is measured once, after a full garbage collection before connecting and after: both ends live in this
 * process, so the figure covers a client and a server connection together, an upper bound for the server's share.
 */
final class ScaleRun implements ScaleDriver {
    static final int PER_SECOND = 20;
    private static final int CLIENT_THREADS = 4;
    private static final int SIZE = 32;
    private static final long WAIT_NANOS = 2_000_000_000L;

    private final Recorder rtt = new Recorder(3);
    private final AtomicLong echoed = new AtomicLong();
    private final List<MessageClient> clients = new ArrayList<>();
    private final MessageServer server;
    private final MessageConnection[] connections;
    private final long heapPerConnection;

    private ScaleRun(DatagramIo io, int count) throws IOException {
        ConnectionConfig config = ConnectionConfig.builder().channels(Delivery.RELIABLE_ORDERED).build();
        long before = usedHeapAfterGc();
        server = MessageServer.open(MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(ServerMode.SHARED).connection(config)
                .server(ServerEndpointConfig.builder().maxConnections(Math.max(count, 1)).build())
                .listener(new Echo()).io(io).build());
        connections = new MessageConnection[count];
        MessageConnectionListener pongs = new Pongs();
        try {
            for (int c = 0; c < Math.min(CLIENT_THREADS, count); c++) {
                clients.add(MessageClient.open(MessageClientConfig.builder().connection(config).io(io).build()));
            }
            for (int i = 0; i < count; i++) {
                connections[i] = clients.get(i % clients.size()).connect(server.localAddress(),
                        ByteBuffer.allocate(0), pongs);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        heapPerConnection = (usedHeapAfterGc() - before) / Math.max(1, count);
    }

    static ScaleRun open(DatagramIo io, int count) throws IOException {
        return new ScaleRun(io, count);
    }

    static List<String> configuration(DatagramIo io, int count) {
        return List.of("I/O: " + io.name() + "; MessageServer SHARED (one socket, one I/O thread) echoing with trySend",
                count + " connections over " + Math.min(CLIENT_THREADS, count) + " MessageClients, channel "
                        + "RELIABLE_ORDERED, " + SIZE + "-byte messages, " + PER_SECOND + " per second each, sent "
                        + "round-robin by one thread on a fixed schedule",
                "heap per connection: used heap after System.gc() before and after connecting, over the "
                        + "connections; client and server ends together (both in this process)");
    }

    @Override
    public long heapPerConnection() {
        return heapPerConnection;
    }

    /**
     * Sends for {@code nanos}, waits for the last echoes, and adds what was measured to {@code result} when
     * {@code counted}; returns the line for the progress bar.
     */
    @Override
    public String measure(long nanos, PeerResult result, boolean counted) throws Exception {
        int n = connections.length;
        long interval = 1_000_000_000L / ((long) PER_SECOND * n);
        long count = Math.max(1, nanos / Math.max(1, interval));
        ByteBuffer m = ByteBuffer.allocate(SIZE);
        rtt.reset();
        long e0 = echoed.get();
        long sent = 0;
        long refused = 0;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long start = t0 + 1_000_000;
        for (long i = 0; i < count; i++) {
            long due = start + i * interval;
            long left;
            while ((left = due - System.nanoTime()) > 50_000) {
                LockSupport.parkNanos(left - 50_000);
            }
            m.clear();
            m.putLong(0, i).putLong(8, due);
            if (connections[(int) (i % n)].trySend(0, m)) {
                sent++;
            } else {
                refused++;
            }
        }
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (echoed.get() - e0 < sent && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        long c1 = os.getProcessCpuTime();
        long t1 = System.nanoTime();
        long got = echoed.get() - e0;
        Histogram h = rtt.getIntervalHistogram();
        double cores = (double) (c1 - c0) / (t1 - t0);
        if (counted) {
            result.rtt.add(h);
            result.sent += sent + refused;
            result.delivered += got;
            result.cores.add(cores);
        }
        return String.format(java.util.Locale.ROOT, "%,d connections: %,d of %,d echoed (%,d refused by trySend), "
                        + "p50 %.1f us, p99 %.1f us, max %.1f us, %.2f cores, heap %,d B per connection", n, got,
                sent + refused, refused, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getMaxValue() / 1e3, cores, heapPerConnection);
    }

    /** The server's listener: echoes every message on its connection. */
    private static final class Echo implements MessageConnectionListener {
        @Override
        public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
            try {
                c.trySend(channel, message);
            } catch (ConnectionClosedException e) {
                // closing at the end of the run
            }
        }
    }

    /** The clients' listener, on their I/O threads: records each echo's round trip. */
    private final class Pongs implements MessageConnectionListener {
        @Override
        public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
            rtt.recordValue(Math.max(0, System.nanoTime() - message.getLong(message.position() + 8)));
            echoed.incrementAndGet();
        }
    }

    private static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Override
    public void close() {
        for (MessageClient c : clients) {
            c.close();
        }
        server.close();
    }
}
