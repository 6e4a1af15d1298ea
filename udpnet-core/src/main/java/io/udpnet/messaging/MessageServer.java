package io.udpnet.messaging;

import io.udpnet.dtls.DtlsCredentials;
import io.udpnet.dtls.DtlsPeer;
import io.udpnet.dtls.DtlsServerContext;
import io.udpnet.dtls.DtlsStats;
import io.udpnet.engine.EndpointStats;
import io.udpnet.engine.ServerLimits;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.ServerMode;
import io.udpnet.io.ServerSockets;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A udpnet server on real sockets: clients connect with the udpnet handshake (stateless cookies, so spoofed
 * sources cost it nothing) and each becomes a {@link MessageConnection}, taken with {@link #accept()} or handed to
 * the configured {@link MessageConnectionListener}.
 *
 * <pre>{@code
 * try (MessageServer server = MessageServer.open(MessageServerConfig.builder()
 *         .bindAddress(new InetSocketAddress("127.0.0.1", 7000)).build())) {
 *     while (true) {
 *         MessageConnection c = server.accept();
 *         Thread.startVirtualThread(() -> serve(c));
 *     }
 * }
 * }</pre>
 *
 * <p>The {@link ServerMode} lays out sockets and I/O threads as for the raw {@code UdpServer}: SHARED, one socket
 * and one I/O thread; SHARDED, N SO_REUSEPORT sockets with an I/O thread and an engine each; CONNECTED, a listener
 * plus a connected socket per client (capped), all on one I/O thread. Every connection's engine runs on the I/O
 * thread of its socket; timers come from each engine's deadline heap, and an idle server sleeps in the kernel.
 * All public methods are thread-safe.
 */
public final class MessageServer implements AutoCloseable {
    private static final long CALL_MILLIS = 5_000;
    /** Datagrams per read and per write batch of each socket. */
    private static final int BATCH = 64;

    private final MessageServerConfig config;
    private final ServerMode mode;
    private final List<ServerShard> shards = new ArrayList<>();
    private final ServerSockets sockets;
    private final InetSocketAddress localAddress;
    private final LinkedBlockingQueue<MessageConnection> acceptQueue;
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final ServerCounters counters = new ServerCounters();
    private final InboxBudget inboxBudget;
    /** The DTLS layer's context, shared by the shards; null for plain udpnet. */
    private final DtlsServerContext dtls;
    private final Object closeLock = new Object();
    private volatile boolean closing;

    private MessageServer(MessageServerConfig config) throws IOException {
        this.config = config;
        this.inboxBudget = new InboxBudget(config.inboxMemoryBytes());
        this.acceptQueue = config.listener() == null ? new LinkedBlockingQueue<>() : null;
        DatagramIo io = config.io() != null ? config.io() : DatagramIo.defaultIo();
        // Every datagram up to the protocol's largest is accepted, whatever this server's own sending maximum:
        // a client's path MTU discovery may raise its datagrams that far (docs/PROTOCOL.md section 2).
        int largest = config.connection().largestAcceptedDatagram();
        this.dtls = config.dtls() == null ? null : new DtlsServerContext(config.dtls(),
                SecureSizing.enginePacketSize(config.connection()), System.nanoTime());
        if (dtls != null) {
            largest += DtlsPeer.RECORD_OVERHEAD;
        }
        int socketLargest = largest;
        int shardCount = config.mode() == ServerMode.SHARDED && io.supportsReusePort() ? config.shards() : 1;
        ServerLimits limits = new ServerLimits(config.server());
        this.sockets = ServerSockets.open(new ServerSockets.Settings(config.bindAddress(), config.mode(),
                config.shards(), config.socketBufferBytes(), config.socketBufferBytes(), config.maxConnectedSockets(),
                largest, BATCH, io, "udpnet-server"), group -> {
                    ServerShard shard = new ServerShard(this, group, shardCount, limits);
                    shards.add(shard);
                    return dtls == null ? shard : new SecureShard(shard, group, dtls, this, socketLargest);
                });
        this.mode = sockets.mode();
        this.localAddress = sockets.localAddress();
    }

    /**
     * Binds the sockets and starts the I/O threads.
     *
     * @throws IOException when binding fails (the port is taken, IPv6 is missing, ...)
     */
    public static MessageServer open(MessageServerConfig config) throws IOException {
        return new MessageServer(Objects.requireNonNull(config, "config"));
    }

    /** Waits for the next connection. @throws ClosedChannelException once the server is closed */
    public MessageConnection accept() throws IOException {
        return accept(-1);
    }

    /** Waits at most {@code timeout} for the next connection; null if none came in time. */
    public MessageConnection accept(Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        long millis;
        try {
            millis = timeout.isNegative() ? 0 : Math.min(timeout.toMillis(), Long.MAX_VALUE / 2);
        } catch (ArithmeticException e) {
            millis = Long.MAX_VALUE / 2;
        }
        return accept(millis);
    }

    private MessageConnection accept(long millis) throws IOException {
        if (acceptQueue == null) {
            throw new IllegalStateException("connections go to the configured MessageConnectionListener");
        }
        try {
            while (true) {
                if (closing && acceptQueue.isEmpty()) {
                    throw new ClosedChannelException();
                }
                // Wake up now and then to notice close(); connections are handed over as soon as they arrive.
                long slice = millis < 0 ? 200 : Math.min(millis, 200);
                MessageConnection c = acceptQueue.poll(slice, TimeUnit.MILLISECONDS);
                if (c != null) {
                    backlog.decrementAndGet();
                    return c;
                }
                if (millis >= 0 && (millis -= slice) <= 0) {
                    return null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a connection");
        }
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The strategy in effect: the configured one, except SHARDED falls back to SHARED without SO_REUSEPORT. */
    public ServerMode mode() {
        return mode;
    }

    public MessageServerConfig config() {
        return config;
    }

    /** Connections open now. */
    public int connectionCount() {
        return open.get();
    }

    /** A snapshot of the server's counters, with each I/O thread's handshake counters (none once it is closed). */
    public MessageServerStats stats() {
        List<EndpointStats> endpoints = new ArrayList<>();
        for (ServerShard s : shards) {
            if (closing) {
                break;   // the loops stop or have stopped: asking them would only wait out the time-out
            }
            CompletableFuture<EndpointStats> f = new CompletableFuture<>();
            s.group().loop().execute(() -> f.complete(s.endpointStats()));
            try {
                endpoints.add(f.get(CALL_MILLIS, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                break;   // a stopped loop: its counters are gone with it
            }
        }
        return counters.snapshot(open.get(), inboxBudget.held(), sockets.stats(), endpoints);
    }

    /**
     * Closes every connection (each client is told, with {@code SHUTDOWN}), stops the I/O threads and closes the
     * sockets. Threads blocked in {@link #accept()} get a {@link ClosedChannelException}. Idempotent.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closing) {
                return;
            }
            closing = true;
        }
        for (ServerShard s : shards) {
            s.group().loop().execute(s::shutdown);
        }
        sockets.close();
    }

    // ---- for the shards --------------------------------------------------------------------------------------------

    /**
     * The DTLS layer's counters (cookies, handshakes, engines, invalid records) when the server runs over DTLS.
     *
     * @return the counters, or null for a plain server
     */
    public DtlsStats dtlsStats() {
        return dtls == null ? null : dtls.stats();
    }

    /** @return the DTLS server's certificate and key (generated when none was configured), or null when plain */
    public DtlsCredentials dtlsCredentials() {
        return dtls == null ? null : dtls.credentials();
    }

    ServerCounters counters() {
        return counters;
    }

    boolean closing() {
        return closing;
    }

    InboxBudget inboxBudget() {
        return inboxBudget;
    }

    /** The shard with this index, or null when there is none (a forged token). */
    ServerShard shard(int index) {
        return index >= 0 && index < shards.size() ? shards.get(index) : null;
    }

    /** The I/O implementation the server's sockets use: {@code nio} or {@code native-linux}. */
    public String io() {
        return sockets.settings().io().name();
    }

    /**
     * Counts a client about to be accepted as connected, so that the cap holds over all shards at once; false when
     * {@code ServerEndpointConfig.maxConnections} are open already.
     */
    boolean reserveConnection() {
        return reserveConnection(false);
    }

    /**
     * {@link #reserveConnection()}; with {@code replacing}, the client already has a connection that the new one
     * replaces (it retried from the same address), and is counted even at the cap: the old one ends at once.
     */
    boolean reserveConnection(boolean replacing) {
        if (replacing) {
            open.incrementAndGet();
            return true;
        }
        while (true) {
            int n = open.get();
            if (n >= config.server().maxConnections()) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives back a place taken by {@link #reserveConnection} for a client that was not accepted after all. */
    void releaseConnection() {
        open.decrementAndGet();
    }

    /** Keeps a place in the accept queue for a client about to be accepted; false when the backlog is full. */
    boolean reserveBacklog() {
        if (acceptQueue == null) {
            return true;
        }
        while (true) {
            int n = backlog.get();
            if (n >= config.acceptBacklog()) {
                return false;
            }
            if (backlog.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void opened(MessageConnection c) {
        counters.accepted.increment();
        if (acceptQueue != null) {
            acceptQueue.add(c);
        }
    }

    void closed(MessageConnection c) {
        open.decrementAndGet();
        counters.closed.increment();
    }
}
