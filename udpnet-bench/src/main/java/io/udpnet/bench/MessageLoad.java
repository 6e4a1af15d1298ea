package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.ConnectionStats;
import io.udpnet.messaging.ConnectionClosedException;
import io.udpnet.io.DatagramIo;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageClientConfig;
import io.udpnet.messaging.MessageConnection;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client side of {@link MessageModesRun}: {@code clients} {@link MessageClient}s (one I/O thread each) with N
 * connections spread over them in turn, and one sending thread that goes round the connections with
 * {@code trySend}: a connection that refuses is skipped, and when every connection refused in a row the thread
 * backs off ({@link BackoffIdleStrategy} with Agrona's defaults: 10 spins, 5 yields, parks of 1 µs doubling to
 * 1 ms).
 */
final class MessageLoad implements AutoCloseable {
    static final int CHANNEL = 0;
    private static final long JOIN_MILLIS = 10_000;

    private final List<MessageClient> clients = new ArrayList<>();
    private final MessageConnection[] connections;
    private final int size;
    private final long[] sent;
    private final Thread sender;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private volatile long heldBack;

    private MessageLoad(int connections, int size) {
        this.connections = new MessageConnection[connections];
        this.sent = new long[connections];
        this.size = size;
        this.sender = new Thread(this::send, "message-sender");
        sender.setDaemon(true);
    }

    /** Opens the clients and connects every connection (one handshake after the other); closes all if that fails. */
    static MessageLoad open(InetSocketAddress server, ConnectionConfig config, DatagramIo io, int connections,
                            int clients, int size) throws IOException {
        MessageLoad load = new MessageLoad(connections, size);
        try {
            for (int c = 0; c < clients; c++) {
                load.clients.add(MessageClient.open(MessageClientConfig.builder().connection(config).io(io)
                        .build()));
            }
            for (int i = 0; i < connections; i++) {
                load.connections[i] = load.clients.get(i % clients).connect(server);
            }
        } catch (IOException | RuntimeException e) {
            load.close();
            throw e;
        }
        return load;
    }

    /** Starts the sending thread. */
    void start() {
        sender.start();
    }

    private void send() {
        ByteBuffer message = ByteBuffer.allocate(size);
        for (int i = CountingReceiver.HEADER; i < size; i++) {
            message.put(i, (byte) i);
        }
        IdleStrategy idle = new BackoffIdleStrategy(BackoffIdleStrategy.DEFAULT_MAX_SPINS,
                BackoffIdleStrategy.DEFAULT_MAX_YIELDS, BackoffIdleStrategy.DEFAULT_MIN_PARK_PERIOD_NS,
                BackoffIdleStrategy.DEFAULT_MAX_PARK_PERIOD_NS);
        MessageConnection[] cs = connections;
        long[] seq = sent;
        int n = cs.length;
        int i = 0;
        int refused = 0;
        long held = 0;
        try {
            while (running) {
                message.putLong(0, seq[i]);
                message.putInt(8, i);
                if (cs[i].trySend(CHANNEL, message)) {
                    seq[i]++;
                    refused = 0;
                    idle.reset();
                } else if (++refused >= n) {
                    held++;
                    refused = 0;
                    idle.idle();
                }
                i = i + 1 == n ? 0 : i + 1;
            }
        } catch (ConnectionClosedException | RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            heldBack = held;
        }
    }

    /**
     * Stops the sending thread and waits for it; returns the messages sent per connection.
     *
     * @throws IllegalStateException when the thread failed or did not stop in time
     */
    long[] stop() throws InterruptedException {
        running = false;
        sender.join(JOIN_MILLIS);
        if (sender.isAlive()) {
            throw new IllegalStateException("the sending thread did not stop within " + JOIN_MILLIS + " ms");
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException("the sending thread failed: " + f, f);
        }
        return sent.clone();
    }

    /** Times every connection refused in a row and the sender backed off (valid after {@link #stop()}). */
    long heldBack() {
        return heldBack;
    }

    Thread senderThread() {
        return sender;
    }

    MessageConnection[] connections() {
        return connections;
    }

    /**
     * Snapshots of the given connections' stats, taken on their I/O threads all at once (one virtual thread per
     * connection waits for its snapshot), so that a snapshot of 1,000 connections does not take 1,000 turns of a
     * busy I/O loop one after the other.
     */
    static ConnectionStats[] stats(List<MessageConnection> connections) throws InterruptedException {
        ConnectionStats[] r = new ConnectionStats[connections.size()];
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ConnectionStats>> fs = new ArrayList<>();
            for (MessageConnection c : connections) {
                fs.add(ex.submit(c::stats));
            }
            for (int i = 0; i < r.length; i++) {
                try {
                    // stats() itself gives up after 5 s; this bound only guards against a stuck executor.
                    r[i] = fs.get(i).get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("no stats from " + connections.get(i) + ": " + e, e);
                }
            }
        }
        return r;
    }

    @Override
    public void close() {
        running = false;
        for (MessageClient c : clients) {
            c.close();
        }
        if (sender.isAlive()) {
            try {
                sender.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
