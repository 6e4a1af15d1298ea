package io.udpnet.transport;

import io.udpnet.internal.Sockets;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A UDP server that turns remote peers into {@link DatagramSession}s: UDP's missing {@code accept()}.
 *
 * <p>Open one with {@link #open(UdpServerConfig)}. New peers (new source addresses) that pass the
 * {@link PeerFilter} become sessions, taken with {@link #accept()} (one virtual thread per session suits it) or
 * pushed to a {@link SessionListener}. The {@link ServerMode} chosen in the configuration decides how sockets and
 * threads are laid out; the API is the same for all.
 *
 * <pre>{@code
 * try (UdpServer server = UdpServer.open(UdpServerConfig.builder()
 *         .bindAddress(new InetSocketAddress("127.0.0.1", 5683)).build())) {
 *     while (true) {
 *         DatagramSession s = server.accept();
 *         Thread.startVirtualThread(() -> echo(s));
 *     }
 * }
 * }</pre>
 *
 * <p>All public methods are thread-safe. I/O threads own the sockets; an idle server blocks in the kernel.
 */
public final class UdpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.udpnet.transport");
    private static final long JOIN_MILLIS = 5_000;

    private final UdpServerConfig config;
    private final ServerMode mode;
    private final Counters counters = new Counters();
    private final Dispatcher dispatcher;
    private final List<SocketReader> readers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final InetSocketAddress localAddress;
    private final Object closeLock = new Object();
    private IdleReaper reaper;
    private volatile boolean closed;

    private UdpServer(UdpServerConfig config, ServerMode mode) {
        this.config = config;
        this.mode = mode;
        this.dispatcher = new Dispatcher(config, counters);
        InetSocketAddress bound;
        try {
            bound = bindSockets();
        } catch (IOException | RuntimeException e) {
            readers.forEach(r -> Sockets.closeQuietly(r.channel()));
            throw new BindFailure(e);
        }
        this.localAddress = bound;
        boolean connected = mode == ServerMode.CONNECTED;
        dispatcher.init(this, connected
                ? new ConnectedSockets(dispatcher, config, Sockets.supportsReusePort()) : null);
        this.reaper = IdleReaper.start(dispatcher, config.idleTimeout());
        for (int i = 0; i < readers.size(); i++) {
            Thread t = new Thread(readers.get(i), "udpnet-io-" + bound.getPort() + "-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    /**
     * Binds the sockets and starts the server's threads.
     *
     * @param config the configuration
     * @return the running server
     * @throws IOException when binding fails (for example the port is taken, or IPv6 is absent)
     */
    public static UdpServer open(UdpServerConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        ServerMode mode = config.mode();
        if (mode == ServerMode.SHARDED && !Sockets.supportsReusePort()) {
            LOG.log(Level.INFO, "SO_REUSEPORT is not supported here; SHARDED falls back to SHARED");
            mode = ServerMode.SHARED;
        }
        try {
            return new UdpServer(config, mode);
        } catch (BindFailure f) {
            if (f.getCause() instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) f.getCause();
        }
    }

    /** Binds every listening socket before any per-peer socket can exist, as SO_REUSEPORT requires. */
    private InetSocketAddress bindSockets() throws IOException {
        int count = mode == ServerMode.SHARDED ? config.shards() : 1;
        // SHARED: no reuse option, so no other socket can silently share the port. CONNECTED: SO_REUSEADDR only,
        // see ConnectedSockets for why the listener must not join the per-peer sockets' SO_REUSEPORT group.
        boolean reuseAddr = mode == ServerMode.CONNECTED;
        boolean reusePort = mode == ServerMode.SHARDED;
        InetSocketAddress bound = null;
        for (int i = 0; i < count; i++) {
            DatagramChannel ch = Sockets.open(config.receiveBufferSize(), config.sendBufferSize(), reuseAddr, reusePort);
            readers.add(new SocketReader(ch, dispatcher, config.maxDatagramSize()));
            // Port 0 resolves once: the first bind picks the port, the others join it.
            ch.bind(bound == null ? config.bindAddress()
                    : new InetSocketAddress(config.bindAddress().getAddress(), bound.getPort()));
            if (bound == null) {
                bound = (InetSocketAddress) ch.getLocalAddress();
            }
        }
        return bound;
    }

    /**
     * The bound local address (with the concrete port when port 0 was asked for).
     *
     * @return the local address
     */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * The strategy in effect: the configured one, except SHARDED falls back to SHARED without SO_REUSEPORT.
     *
     * @return the effective mode
     */
    public ServerMode mode() {
        return mode;
    }

    /**
     * The configuration the server was opened with.
     *
     * @return the configuration
     */
    public UdpServerConfig config() {
        return config;
    }

    /**
     * Waits for the next new session.
     *
     * @return the session
     * @throws ClosedChannelException when the server is (or gets) closed
     * @throws InterruptedIOException when the thread is interrupted while waiting
     * @throws IllegalStateException when a {@link SessionListener} is configured
     */
    public DatagramSession accept() throws IOException {
        return accept(-1L);
    }

    /**
     * Waits at most {@code timeout} for the next new session.
     *
     * @param timeout the longest wait; zero or negative polls
     * @return the session, or {@code null} if none arrived in time
     * @throws IOException as {@link #accept()}
     */
    public DatagramSession accept(Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        long nanos;
        try {
            nanos = timeout.isNegative() ? 0 : timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        return accept(nanos);
    }

    private DatagramSession accept(long nanos) throws IOException {
        ClosableQueue<DatagramSession> q = dispatcher.acceptQueue();
        if (q == null) {
            throw new IllegalStateException("sessions go to the configured SessionListener");
        }
        try {
            DatagramSession s = q.poll(nanos);
            if (s == null && q.isClosed()) {
                throw new ClosedChannelException();
            }
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a session");
        }
    }

    /**
     * Sends one datagram to any address without a session: a stateless reply, for example a cookie challenge from
     * a {@link PeerFilter}. It leaves from the server's port.
     *
     * @param target the destination
     * @param src the datagram between position and limit; its position advances
     * @return the number of bytes sent
     * @throws ClosedChannelException when the server is closed
     * @throws IOException on other I/O errors
     */
    public int sendTo(InetSocketAddress target, ByteBuffer src) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(src, "src");
        if (closed) {
            throw new ClosedChannelException();
        }
        // Any of the sockets will do: they share the port. Spread replies by address when sharded.
        int i = Math.floorMod(target.hashCode(), readers.size());
        int n = readers.get(i).channel().send(src, target);
        counters.sent(n);
        return n;
    }

    /**
     * A snapshot of the counters.
     *
     * @return the statistics
     */
    public ServerStats stats() {
        return counters.snapshot();
    }

    /**
     * The number of open sessions.
     *
     * @return the count
     */
    public int sessionCount() {
        return counters.activeSessions.get();
    }

    /**
     * Whether the server is open.
     *
     * @return false once {@link #close()} was called
     */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Stops the I/O threads, closes every socket and session ({@link CloseReason#SERVER_CLOSED}), and wakes threads
     * blocked in {@link #accept()} or {@link DatagramSession#receive}. Idempotent.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        readers.forEach(r -> Sockets.closeQuietly(r.channel()));
        boolean interrupted = false;
        for (Thread t : threads) {
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        // The readers are gone, so no session can be created while they are closed.
        dispatcher.close();
        if (reaper != null) {
            reaper.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Carries a bind failure out of the constructor. */
    private static final class BindFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BindFailure(Exception cause) {
            super(cause);
        }
    }
}
