package io.udpnet.transport;

import io.udpnet.dtls.DtlsCredentials;
import io.udpnet.dtls.DtlsServerContext;
import io.udpnet.dtls.DtlsStats;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.IoStats;
import io.udpnet.io.ServerMode;
import io.udpnet.io.ServerSockets;
import io.udpnet.io.SocketGroup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A UDP server that turns remote peers into {@link DatagramSession}s: UDP's missing {@code accept()}.
 *
 * <p>Open one with {@link #open(UdpServerConfig)}. New peers (new source addresses) that pass the
 * {@link PeerAdmissionPolicy} become sessions, taken with {@link #accept()} (one virtual thread per session suits it) or
 * pushed to a {@link UdpServerListener}. The {@link ServerMode} chosen in the configuration decides how sockets and
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
    /** Bytes of batch memory per read and per write; large maximum datagram sizes get fewer slots. */
    private static final int BATCH_BYTES = 256 << 10;

    private final UdpServerConfig config;
    private final Counters counters = new Counters();
    private final Dispatcher dispatcher;
    private final DtlsServerContext dtls;
    private final ServerSockets sockets;
    private final Object closeLock = new Object();
    private final IdleReaper reaper;
    private volatile boolean closed;

    private UdpServer(UdpServerConfig config) throws IOException {
        this.config = config;
        if (config.dtls() != null && config.dtls().maxDatagramSize() > config.maxDatagramSize()) {
            throw new IllegalArgumentException("the DTLS maximum datagram size (" + config.dtls().maxDatagramSize()
                    + ") exceeds the server's maxDatagramSize (" + config.maxDatagramSize() + ")");
        }
        this.dtls = config.dtls() == null ? null : new DtlsServerContext(config.dtls(), System.nanoTime());
        this.dispatcher = new Dispatcher(config, counters, dtls);
        dispatcher.init(this);
        DatagramIo io = config.io() != null ? config.io() : DatagramIo.defaultIo();
        int batch = Math.clamp(BATCH_BYTES / (config.maxDatagramSize() + 1), 1, 64);
        this.sockets = ServerSockets.open(new ServerSockets.Settings(config.bindAddress(), config.mode(),
                config.shards(), config.receiveBufferSize(), config.sendBufferSize(), config.maxConnectedSockets(),
                config.maxDatagramSize(), batch, io, "udpnet-io"), dispatcher::handlerFor);
        this.reaper = IdleReaper.start(dispatcher, config.idleTimeout());
    }

    /**
     * Binds the sockets and starts the server's threads.
     *
     * @param config the configuration
     * @return the running server
     * @throws IOException when binding fails (for example the port is taken, or IPv6 is absent)
     */
    public static UdpServer open(UdpServerConfig config) throws IOException {
        return new UdpServer(Objects.requireNonNull(config, "config"));
    }

    /**
     * The bound local address (with the concrete port when port 0 was asked for).
     *
     * @return the local address
     */
    public InetSocketAddress localAddress() {
        return sockets.localAddress();
    }

    /**
     * The strategy in effect: the configured one, except SHARDED falls back to SHARED without SO_REUSEPORT.
     *
     * @return the effective mode
     */
    public ServerMode mode() {
        return sockets.mode();
    }

    /**
     * The receive buffer the kernel granted each socket, which may be less than asked for (Linux caps it at
     * {@code net.core.rmem_max}).
     *
     * @return bytes
     */
    public int grantedReceiveBufferSize() {
        return sockets.grantedReceiveBufferBytes();
    }

    /**
     * The counters of the sockets themselves, including the I/O implementation in use and, where it can count them,
     * datagrams the kernel dropped because a receive queue was full.
     *
     * @return a snapshot
     */
    public IoStats socketStats() {
        return sockets.stats();
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
     * @throws IllegalStateException when a {@link UdpServerListener} is configured
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
        return accept(ClosableQueue.waitNanos(timeout));
    }

    private DatagramSession accept(long nanos) throws IOException {
        ClosableQueue<DatagramSession> q = dispatcher.acceptQueue();
        if (q == null) {
            throw new IllegalStateException("sessions go to the configured UdpServerListener");
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
     * a {@link PeerAdmissionPolicy}. It leaves from the server's port.
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
        // Any of the groups will do: they share the port. Spread replies by address when sharded.
        SocketGroup g = sockets.group(Math.floorMod(target.hashCode(), sockets.groups().size()));
        int n = g.sendNow(target, src);
        counters.sent(n);
        return n;
    }

    /**
     * A snapshot of the counters.
     *
     * @return the statistics
     */
    public ServerStats stats() {
        return counters.snapshot(sockets.stats());
    }

    /**
     * The DTLS counters of a secure server: cookies, handshakes, engines.
     *
     * @return a snapshot, or empty when the server is not configured with DTLS
     */
    public Optional<DtlsStats> dtlsStats() {
        return dtls == null ? Optional.empty() : Optional.of(dtls.stats());
    }

    /**
     * The key and certificates a secure server presents, generated at start-up when none were configured.
     *
     * @return the credentials, or empty when the server is not configured with DTLS
     */
    public Optional<DtlsCredentials> dtlsCredentials() {
        return dtls == null ? Optional.empty() : Optional.of(dtls.credentials());
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
     * Stops the I/O threads, closes every socket and session ({@link SessionCloseReason#SERVER_CLOSED}), and wakes threads
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
        sockets.close();
        // The I/O threads are gone, so no session can be created while they are closed.
        dispatcher.close();
        if (reaper != null) {
            reaper.close();
        }
    }
}
