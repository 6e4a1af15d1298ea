package io.udpnet.io;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The sockets and I/O threads of a server, laid out by a {@link ServerMode}: SHARED, one socket and one
 * {@link SocketGroup}; SHARDED, N SO_REUSEPORT sockets with a group (and a thread) each; CONNECTED, one listener whose
 * group also owns a connected socket per peer, up to a cap. Every server of udpnet (the raw {@code UdpServer}, the
 * {@code MessageServer}) and any protocol built on this layer runs on it: the protocol supplies a
 * {@link SocketGroup.Handler} per group and gets datagrams routed by source, batched sends and path errors.
 *
 * <p>Every listening socket is bound before any per-peer socket can exist, as SO_REUSEPORT requires.
 */
public final class ServerSockets implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.udpnet.io");
    private static final long JOIN_MILLIS = 5_000;

    /**
     * How to lay out a server's sockets.
     *
     * @param bindAddress         the local address; port 0 picks a free port
     * @param mode                the strategy
     * @param shards              sockets (and threads) in SHARDED mode, 1..64
     * @param receiveBufferBytes  SO_RCVBUF asked for each socket; 0 for the system's default
     * @param sendBufferBytes     SO_SNDBUF asked for each socket; 0 for the system's default
     * @param maxConnectedSockets per-peer sockets at most, over all groups (CONNECTED mode)
     * @param maxDatagramSize     the largest datagram accepted and sent; larger ones are dropped and counted
     * @param batchSize           datagrams per read and per write batch, 1..1024
     * @param io                  the I/O implementation
     * @param threadName          prefix of the I/O threads' names
     */
    public record Settings(InetSocketAddress bindAddress, ServerMode mode, int shards, int receiveBufferBytes,
                           int sendBufferBytes, int maxConnectedSockets, int maxDatagramSize, int batchSize,
                           DatagramIo io, String threadName) {
        /**
         * Checks the values.
         *
         * @param bindAddress         see the record
         * @param mode                see the record
         * @param shards              see the record
         * @param receiveBufferBytes  see the record
         * @param sendBufferBytes     see the record
         * @param maxConnectedSockets see the record
         * @param maxDatagramSize     see the record
         * @param batchSize           see the record
         * @param io                  see the record
         * @param threadName          see the record
         */
        public Settings {
            Objects.requireNonNull(bindAddress, "bindAddress");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(io, "io");
            Objects.requireNonNull(threadName, "threadName");
            if (shards < 1 || shards > 64) {
                throw new IllegalArgumentException("shards " + shards + " outside 1..64");
            }
            if (maxDatagramSize < 1 || maxDatagramSize > 65_507) {
                throw new IllegalArgumentException("maxDatagramSize " + maxDatagramSize + " outside 1..65507");
            }
            if (batchSize < 1 || batchSize > 1024) {
                throw new IllegalArgumentException("batchSize " + batchSize + " outside 1..1024");
            }
            if (receiveBufferBytes < 0 || sendBufferBytes < 0 || maxConnectedSockets < 0) {
                throw new IllegalArgumentException("negative buffer size or socket cap");
            }
        }
    }

    private final Settings settings;
    private final ServerMode mode;
    private final IoCounters counters = new IoCounters();
    private final List<SocketGroup> groups = new ArrayList<>();
    private final AtomicInteger connectedSockets = new AtomicInteger();
    private final InetSocketAddress localAddress;
    private final int grantedReceiveBuffer;

    private ServerSockets(Settings settings, ServerMode mode, Function<SocketGroup, SocketGroup.Handler> handlers)
            throws IOException {
        this.settings = settings;
        this.mode = mode;
        int count = mode == ServerMode.SHARDED ? settings.shards() : 1;
        List<UdpSocket> listeners = new ArrayList<>();
        List<IoLoop> loops = new ArrayList<>();
        List<SocketGroup.Handler> made = new ArrayList<>();
        try {
            // SHARED: no reuse option, so no other socket can silently share the port. CONNECTED: SO_REUSEADDR only,
            // see SocketGroup for why the listener must not join the per-peer sockets' SO_REUSEPORT group.
            SocketOptions options = listenerOptions(settings, mode);
            InetSocketAddress bound = null;
            for (int i = 0; i < count; i++) {
                UdpSocket s = settings.io().open(options);
                listeners.add(s);
                // Port 0 resolves once: the first bind picks the port, the others join it.
                s.bind(bound == null ? settings.bindAddress()
                        : new InetSocketAddress(settings.bindAddress().getAddress(), bound.getPort()));
                if (bound == null) {
                    bound = s.localAddress();
                }
            }
            this.localAddress = bound;
            this.grantedReceiveBuffer = listeners.get(0).receiveBufferBytes();
            for (int i = 0; i < count; i++) {
                IoLoop loop = new IoLoop(settings.io(), settings.threadName() + "-" + bound.getPort() + "-" + i);
                loops.add(loop);
                groups.add(new SocketGroup(this, i, loop, listeners.get(i), counters, settings.maxDatagramSize(),
                        settings.batchSize()));
            }
            for (SocketGroup g : groups) {
                made.add(handlers.apply(g));
            }
        } catch (IOException | RuntimeException e) {
            listeners.forEach(UdpSocket::close);
            loops.forEach(IoLoop::discard);
            throw e;
        }
        for (int i = 0; i < count; i++) {
            groups.get(i).start(made.get(i));
        }
    }

    /**
     * Binds the sockets, makes a handler per group and starts the I/O threads.
     *
     * @param settings the layout
     * @param handlers makes the handler of each group (called before any thread starts)
     * @return the running sockets
     * @throws IOException when binding fails (the port is taken, IPv6 is missing, ...)
     */
    public static ServerSockets open(Settings settings, Function<SocketGroup, SocketGroup.Handler> handlers)
            throws IOException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(handlers, "handlers");
        ServerMode mode = settings.mode();
        if (mode == ServerMode.SHARDED && !settings.io().supportsReusePort()) {
            LOG.log(Level.INFO, "SO_REUSEPORT is not supported here; SHARDED falls back to SHARED");
            mode = ServerMode.SHARED;
        }
        ServerSockets s = new ServerSockets(settings, mode, handlers);
        if (settings.receiveBufferBytes() > 0 && s.grantedReceiveBuffer < settings.receiveBufferBytes()) {
            LOG.log(Level.INFO, "asked for a " + settings.receiveBufferBytes() + "-byte receive buffer, the kernel "
                    + "granted " + s.grantedReceiveBuffer + " (raise net.core.rmem_max for more)");
        }
        return s;
    }

    private static SocketOptions listenerOptions(Settings s, ServerMode mode) {
        return new SocketOptions(s.receiveBufferBytes(), s.sendBufferBytes(), mode == ServerMode.CONNECTED,
                mode == ServerMode.SHARDED, true);
    }

    UdpSocket openPeerSocket() throws IOException {
        return settings.io().open(new SocketOptions(settings.receiveBufferBytes(), settings.sendBufferBytes(), true,
                settings.io().supportsReusePort(), true));
    }

    boolean connectedMode() {
        return mode == ServerMode.CONNECTED;
    }

    boolean reserveConnectedSocket() {
        while (true) {
            int n = connectedSockets.get();
            if (n >= settings.maxConnectedSockets()) {
                return false;
            }
            if (connectedSockets.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void releaseConnectedSocket() {
        connectedSockets.decrementAndGet();
    }

    /** @return the bound address, with the concrete port when port 0 was asked for */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** @return the strategy in effect: the one asked for, except SHARDED falls back to SHARED without SO_REUSEPORT */
    public ServerMode mode() {
        return mode;
    }

    /** @return the settings the sockets were opened with */
    public Settings settings() {
        return settings;
    }

    /** @return the receive buffer the kernel granted the (first) listening socket */
    public int grantedReceiveBufferBytes() {
        return grantedReceiveBuffer;
    }

    /** @return the groups, one per I/O thread */
    public List<SocketGroup> groups() {
        return List.copyOf(groups);
    }

    /**
     * @param i an index
     * @return group {@code i}, or null when there is none (a forged index)
     */
    public SocketGroup group(int i) {
        return i >= 0 && i < groups.size() ? groups.get(i) : null;
    }

    /** @return a snapshot of the counters; any thread */
    public IoStats stats() {
        long socketDrops = 0;
        for (SocketGroup g : groups) {
            socketDrops += g.socketDrops();
        }
        IoCounters c = counters;
        return new IoStats(settings.io().name(), c.datagramsIn.sum(), c.bytesIn.sum(), c.datagramsOut.sum(),
                c.bytesOut.sum(), c.oversize.sum(), c.sendDrops.sum(), c.sendErrors.sum(), c.receiveErrors.sum(),
                c.pathErrors.sum(), c.handlerErrors.sum(), c.strays.sum(), socketDrops + c.strayDrops.sum(), connectedSockets.get());
    }

    /**
     * Stops every I/O thread after what it has queued is sent (each handler's {@code stopped} runs on its thread),
     * closes the sockets and waits up to 5 s per thread. Idempotent.
     */
    @Override
    public void close() {
        for (SocketGroup g : groups) {
            g.loop().execute(() -> {
                g.flushOut();
                g.loop().stop();
            });
        }
        boolean interrupted = false;
        for (SocketGroup g : groups) {
            try {
                g.loop().join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
