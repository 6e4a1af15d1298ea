package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.io.DatagramIo;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageClientConfig;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageConnectionListener;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator of the {@code scale} scenario, in the bench's JVM: {@code count} connections over
 * {@link #clientThreads} {@link MessageClient}s (one I/O thread each), all connecting at once, then one thread
 * sending {@value #PER_SECOND} messages per second per connection, round-robin on a fixed schedule. The thread parks
 * until the next message is due, but at least {@value #TICK_NANOS} ns, and then sends every message due by then: at
 * thousands of messages a second, a wake-up of its own and of the clients' I/O threads per message would cost more
 * CPU than the messages. Each echo's round trip counts from when its message was due, so the tick, a late wake-up
 * or a queue shows in the figures (no coordinated omission).
 */
final class ScaleLoad implements AutoCloseable {
    static final int PER_SECOND = 20;
    /**
     * Connections per client I/O thread: 50,000 messages a second each way. Below that, one thread, as ENet's load
     * runs on one host thread: on two cores shared with the server's two threads, more client threads only contend
     * (2,000 clients: p99 15 ms with one, 36 ms with two, 78 ms with four); above it one thread cannot keep up (10,000
     * clients: 0.8 cores and 1,400 handshakes/s with one, against 5,700 with four).
     */
    static final int CONNECTIONS_PER_THREAD = 2_500;
    static final int SIZE = 32;
    /** The sender's shortest sleep: messages due within it go out together. */
    static final long TICK_NANOS = 1_000_000;
    /** How long a round waits for its last echoes; an echo that comes later counts as lost for its round. */
    private static final long WAIT_NANOS = 10_000_000_000L;
    private static final long CONNECT_NANOS = 120_000_000_000L;

    /**
     * One round: messages sent and refused by {@code trySend}, echoes of them received within the wait, their round
     * trips, and echoes of earlier rounds' messages that came in meanwhile (left out of the rest).
     */
    record Round(long sent, long refused, long echoed, Histogram rtt, long stale) {
    }

    private final Recorder rtt = new Recorder(3);
    private final AtomicLong echoed = new AtomicLong();
    /** Echoes of messages sent in an earlier round: counted there as lost, left out here. */
    private final AtomicLong stale = new AtomicLong();
    /** The round being measured: its number is in each message, so that late echoes of another are told apart. */
    private volatile int round;
    private final List<MessageClient> clients = new ArrayList<>();
    private final MessageConnection[] connections;

    private ScaleLoad(int count) {
        connections = new MessageConnection[count];
    }

    /** Opens the clients (none connected yet); closes them again if that fails. */
    static ScaleLoad open(DatagramIo io, int count) throws IOException {
        ScaleLoad l = new ScaleLoad(count);
        // The server's settings, but a connect may take up to a minute: the connect phase measures how fast a storm
        // of thousands of handshakes is served, so none may be cut off by the usual 5 s.
        ConnectionConfig config = ScaleServer.connectionConfig().toBuilder()
                .connectTimeout(java.time.Duration.ofNanos(CONNECT_NANOS / 2)).build();
        try {
            for (int c = 0; c < clientThreads(count); c++) {
                l.clients.add(MessageClient.open(MessageClientConfig.builder().connection(config).io(io).build()));
            }
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
        return l;
    }

    /**
     * Starts every connection at once and waits until all are open; returns the nanoseconds from the first
     * {@code connectAsync} to the last connection open.
     */
    long connectAll(InetSocketAddress server) throws IOException, InterruptedException {
        return connect(server, connections);
    }

    /**
     * Opens {@code count} connections at once and closes them again (without waiting for them to end): the
     * server's and the clients' code paths compiled before the connect phase is measured.
     */
    void warmUp(InetSocketAddress server, int count) throws IOException, InterruptedException {
        MessageConnection[] warm = new MessageConnection[count];
        connect(server, warm);
        for (MessageConnection c : warm) {
            c.close("warm-up over");
        }
        CompletableFuture.allOf(java.util.Arrays.stream(warm).map(MessageConnection::closeFuture)
                .toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }

    private long connect(InetSocketAddress server, MessageConnection[] connections) throws IOException,
            InterruptedException {
        MessageConnectionListener pongs = new Pongs();
        @SuppressWarnings("unchecked")
        CompletableFuture<MessageConnection>[] fs = new CompletableFuture[connections.length];
        ByteBuffer empty = ByteBuffer.allocate(0);
        long t0 = System.nanoTime();
        for (int i = 0; i < connections.length; i++) {
            fs[i] = clients.get(i % clients.size()).connectAsync(server, empty, pongs);
        }
        long t1;
        try {
            CompletableFuture.allOf(fs).get(CONNECT_NANOS, TimeUnit.NANOSECONDS);
            // When the last one opened, give or take this thread's wake-up (microseconds against the whole phase).
            t1 = System.nanoTime();
        } catch (ExecutionException e) {
            long open = java.util.Arrays.stream(fs).filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
            throw new IOException("scale: " + open + " of " + connections.length + " connections opened; "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("scale: not every connection open within " + CONNECT_NANOS / 1_000_000_000 + " s");
        }
        for (int i = 0; i < connections.length; i++) {
            connections[i] = fs[i].join();
        }
        return Math.max(1, t1 - t0);
    }

    /** Client I/O threads for {@code count} connections: one per {@value #CONNECTIONS_PER_THREAD}, at least one. */
    static int clientThreads(int count) {
        return Math.max(1, (count + CONNECTIONS_PER_THREAD - 1) / CONNECTIONS_PER_THREAD);
    }

    int count() {
        return connections.length;
    }

    /** Sends for {@code nanos} on the schedule, then waits up to 10 s for the last echoes. */
    Round round(long nanos) throws IOException, InterruptedException {
        int n = connections.length;
        long rate = (long) PER_SECOND * n;
        long count = Math.max(1, nanos * rate / 1_000_000_000L);
        ByteBuffer m = ByteBuffer.allocate(SIZE);
        int r = ++round;
        rtt.reset();
        long e0 = echoed.get();
        long s0 = stale.get();
        long sent = 0;
        long refused = 0;
        long start = System.nanoTime() + 1_000_000;
        long i = 0;
        while (i < count) {
            long now = System.nanoTime();
            long due;
            // Every message due by now goes out in this wake-up, each stamped with its own due time.
            while (i < count && (due = start + i * 1_000_000_000L / rate) <= now) {
                m.clear();
                m.putLong(0, i).putLong(8, due).putInt(16, r);
                if (connections[(int) (i % n)].trySend(0, m)) {
                    sent++;
                } else {
                    refused++;
                }
                i++;
            }
            if (i < count) {
                long next = Math.max(now + TICK_NANOS, start + i * 1_000_000_000L / rate);
                LockSupport.parkNanos(next - System.nanoTime());
            }
        }
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (echoed.get() - e0 < sent && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return new Round(sent, refused, echoed.get() - e0, rtt.getIntervalHistogram(), stale.get() - s0);
    }

    /** The clients' listener, on their I/O threads: records each echo's round trip from its due time. */
    private final class Pongs implements MessageConnectionListener {
        @Override
        public void onMessage(MessageConnection c, int channel, ByteBuffer message) {
            if (message.getInt(message.position() + 16) != round) {
                stale.incrementAndGet();
                return;
            }
            rtt.recordValue(Math.max(0, System.nanoTime() - message.getLong(message.position() + 8)));
            echoed.incrementAndGet();
        }
    }

    @Override
    public void close() {
        for (MessageClient c : clients) {
            c.close();
        }
    }
}
