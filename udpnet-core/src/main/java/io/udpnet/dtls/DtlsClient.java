package io.udpnet.dtls;

import io.udpnet.io.DatagramBatch;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.IoLoop;
import io.udpnet.io.PathError;
import io.udpnet.io.SocketOptions;
import io.udpnet.io.UdpSocket;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A DTLS 1.2 client: one association with one server, datagrams in and out, with the shape of the server side's
 * {@code DatagramSession} ({@link #send}, {@link #receive(ByteBuffer, Duration)}, {@link #close}), so that code
 * written against datagrams can run over either. {@link #connect} returns once the handshake completed.
 *
 * <p>One I/O thread reads the socket, decrypts and queues the plaintext (a bounded queue; overflow is dropped and
 * counted), and retransmits handshake flights on time; {@link #send} encrypts and writes from the calling thread.
 * Every datagram sent is one record: data that does not fit the maximum datagram size is refused. All public
 * methods are thread-safe.
 *
 * <p>The blocking API, its I/O thread's driver and the wait for the handshake share one lock and one association,
 * so they stay together here; the engine is made by {@code DtlsEngines} and the plaintext waits in a
 * {@code PlaintextInbox}.
 */
public final class DtlsClient implements AutoCloseable {
    private final InetSocketAddress server;
    private final IoLoop loop;
    private final UdpSocket socket;
    private final DtlsPeer peer;
    private final ReentrantLock lock = new ReentrantLock();
    private final PlaintextInbox inbox;
    private final CompletableFuture<Void> handshake = new CompletableFuture<>();
    private final DatagramBatch in;
    private final Output output = new Output();
    private volatile boolean closed;
    private volatile IOException closeError;

    private DtlsClient(InetSocketAddress server, DtlsClientConfig config) throws IOException {
        this.server = server;
        this.inbox = new PlaintextInbox(config.receiveQueueCapacity());
        SSLEngine engine = engine(server, config);
        long now = System.nanoTime();
        this.peer = new DtlsPeer(engine, config.initialRetransmitTimeout().toNanos(),
                config.maxRetransmitTimeout().toNanos(), config.handshakeTimeout().toNanos(), now);
        DatagramIo io = config.io() != null ? config.io() : DatagramIo.defaultIo();
        this.in = new DatagramBatch(16, Math.max(config.maxDatagramSize(), 16_384 + 64) + 1);
        this.loop = new IoLoop(io, "udpnet-dtls-client");
        UdpSocket s = io.open(SocketOptions.buffers(0));
        try {
            s.bind(new InetSocketAddress(server.getAddress().getAddress().length == 4
                    ? java.net.InetAddress.getByName("0.0.0.0") : java.net.InetAddress.getByName("::"), 0));
            s.connect(server, in);
            in.clear();
            loop.register(s, this);
        } catch (IOException | RuntimeException e) {
            s.close();
            loop.discard();
            throw e;
        }
        this.socket = s;
        loop.start(new Driver());
        loop.execute(() -> {
            lock.lock();
            try {
                peer.start(System.nanoTime(), output);
            } finally {
                lock.unlock();
            }
            checkState();
        });
    }

    /**
     * Connects to a DTLS server and completes the handshake.
     *
     * @param server the server's address
     * @param config the settings
     * @return the connected client
     * @throws SSLException when the handshake fails (an alert, an untrusted certificate) or times out
     * @throws IOException when no socket can be opened
     */
    public static DtlsClient connect(InetSocketAddress server, DtlsClientConfig config) throws IOException {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(config, "config");
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("unresolved server address: " + server);
        }
        DtlsClient c = new DtlsClient(server, config);
        try {
            c.handshake.get(config.handshakeTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            return c;
        } catch (InterruptedException e) {
            c.close();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during the DTLS handshake");
        } catch (ExecutionException e) {
            c.close();
            throw e.getCause() instanceof IOException io ? io : new SSLException(e.getCause());
        } catch (TimeoutException e) {
            c.close();
            throw new SSLException("DTLS handshake with " + server + " timed out");
        }
    }

    /**
     * A client association with {@code server}, not yet started, for a driver of its own (the secure
     * {@code MessageClient}): the engine as this class makes it, with the maximum datagram size given apart.
     *
     * @param server        the server
     * @param config        the settings
     * @param maxPacketSize the engine's largest datagram, 256 .. 16,384 bytes
     * @param handshakeTimeoutNanos how long the handshake may take, in place of the configuration's (a driver with
     *                      a shorter time-out of its own gives up at the same time, with the DTLS layer's reason)
     * @param now           the time now
     * @return the association; call {@link DtlsPeer#start} to send the first flight
     * @throws IOException when the context cannot be made
     */
    public static DtlsPeer association(InetSocketAddress server, DtlsClientConfig config, int maxPacketSize,
                                       long handshakeTimeoutNanos, long now) throws IOException {
        if (maxPacketSize < 256 || maxPacketSize > 16_384) {
            throw new IllegalArgumentException("maxPacketSize: 256..16384 expected, got " + maxPacketSize);
        }
        SSLEngine engine = engine(server, config, maxPacketSize);
        return new DtlsPeer(engine, config.initialRetransmitTimeout().toNanos(),
                config.maxRetransmitTimeout().toNanos(), handshakeTimeoutNanos, now);
    }

    private static SSLEngine engine(InetSocketAddress server, DtlsClientConfig config) throws IOException {
        return engine(server, config, config.maxDatagramSize());
    }

    private static SSLEngine engine(InetSocketAddress server, DtlsClientConfig config, int maxPacketSize)
            throws IOException {
        try {
            return DtlsEngines.client(config.context(), server, config, maxPacketSize);
        } catch (GeneralSecurityException e) {
            throw new SSLException("cannot make the DTLS client context: " + e.getMessage(), e);
        }
    }

    /** @return the server's address */
    public InetSocketAddress remoteAddress() {
        return server;
    }

    /** @return the local address of the client's socket */
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    /** @return false once closed by either side */
    public boolean isOpen() {
        return !closed;
    }

    /** @return the negotiated cipher suite */
    public String cipherSuite() {
        return peer.engine().getSession().getCipherSuite();
    }

    /**
     * The server's certificate chain.
     *
     * @return leaf first
     * @throws SSLException when the handshake has not completed
     */
    public Certificate[] peerCertificates() throws SSLException {
        return peer.engine().getSession().getPeerCertificates();
    }

    /** @return datagrams dropped because the receive queue was full */
    public long droppedCount() {
        return inbox.dropped();
    }

    /** @return records dropped as invalid (bad MAC, replays, broken headers) */
    public long invalidRecords() {
        lock.lock();
        try {
            return peer.invalidRecords();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Encrypts {@code src} (position..limit) into one record and sends it as one datagram.
     *
     * @param src the datagram; its position advances to the limit when sent
     * @return the plaintext bytes sent
     * @throws IllegalArgumentException when it does not fit one record within the maximum datagram size
     * @throws ClosedChannelException when the client is closed
     * @throws IOException on a socket error (for example {@link PortUnreachableException})
     */
    public int send(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        int n = src.remaining();
        lock.lock();
        try {
            if (closed) {
                throw closedException();
            }
            output.error = null;
            if (!peer.send(src, output)) {
                throw new IllegalArgumentException("a datagram of " + n + " bytes does not fit one DTLS record "
                        + "within the maximum datagram size");
            }
            if (output.error != null) {
                throw output.error;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the next datagram and copies it into {@code dst}.
     *
     * @param dst where it goes; what does not fit is discarded
     * @return its full length
     * @throws IOException when the client is closed (by either side) or interrupted
     */
    public int receive(ByteBuffer dst) throws IOException {
        return receive(dst, -1);
    }

    /**
     * Waits at most {@code timeout} for the next datagram.
     *
     * @param dst     where it goes
     * @param timeout the longest wait; zero or negative polls
     * @return its full length, or -1 when none arrived in time
     * @throws IOException when the client is closed (by either side) or interrupted
     */
    public int receive(ByteBuffer dst, Duration timeout) throws IOException {
        long nanos;
        try {
            nanos = timeout.isNegative() ? 0 : timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        return receive(dst, nanos);
    }

    private int receive(ByteBuffer dst, long nanos) throws IOException {
        Objects.requireNonNull(dst, "dst");
        int n = inbox.take(dst, nanos);
        if (n == PlaintextInbox.CLOSED || (n < 0 && closed)) {
            throw closedException();
        }
        return n;
    }

    /** Sends close_notify, stops the I/O thread and closes the socket. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            peer.close(output);
            markClosed(null);
        } finally {
            lock.unlock();
        }
        loop.execute(loop::stop);
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }

    private void markClosed(IOException error) {
        if (closed) {
            return;
        }
        closeError = error;
        closed = true;
        inbox.close();
        handshake.completeExceptionally(error != null ? error : new ClosedChannelException());
    }

    private ClosedChannelException closedException() {
        ClosedChannelException e = new ClosedChannelException();
        if (closeError != null) {
            e.initCause(closeError);
        }
        return e;
    }

    /** After each step of the association, on the I/O thread: completes the handshake or notes its end. */
    private void checkState() {
        lock.lock();
        try {
            switch (peer.state()) {
                case ESTABLISHED -> handshake.complete(null);
                case CLOSED -> {
                    if (!closed) {
                        IOException why = switch (peer.closeCause()) {
                            case PEER_CLOSED -> new IOException("the server closed the DTLS session");
                            case HANDSHAKE_TIMEOUT -> new SSLException("DTLS handshake with " + server + " timed out");
                            default -> peer.failure() != null ? peer.failure()
                                    : new SSLException("DTLS association failed");
                        };
                        markClosed(why);
                    }
                }
                default -> {
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private final class Output implements DtlsPeer.Output {
        IOException error;

        @Override
        public void transmit(ByteBuffer datagram) {
            try {
                socket.sendTo(datagram, server);
            } catch (IOException e) {
                error = e;
            }
        }

        @Override
        public void plaintext(ByteBuffer data) {
            inbox.offer(data);
        }
    }

    private final class Driver implements IoLoop.Driver, PathError.Handler {
        @Override
        public void readable(Object attachment) {
            for (int round = 0; round < 4; round++) {
                in.clear();
                try {
                    socket.receive(in, this);
                } catch (IOException e) {
                    return;
                }
                long now = System.nanoTime();
                for (int i = 0; i < in.count(); i++) {
                    if (in.length(i) >= in.slotSize() || !server.equals(in.peer(i))) {
                        continue;
                    }
                    lock.lock();
                    try {
                        if (!closed) {
                            peer.receive(in.datagram(i), now, output);
                        }
                    } finally {
                        lock.unlock();
                    }
                    checkState();
                }
                if (!in.isFull()) {
                    return;
                }
            }
        }

        @Override
        public void onPathError(PathError error) {
            if (error.kind() == PathError.Kind.PORT_UNREACHABLE && !handshake.isDone()) {
                // Nothing listens yet: the handshake retransmits; a server that starts late still gets it.
                return;
            }
        }

        @Override
        public long flush(long now) {
            lock.lock();
            try {
                if (closed) {
                    return Long.MAX_VALUE;
                }
                peer.onTimer(now, output);
            } finally {
                lock.unlock();
            }
            checkState();
            return peer.deadline();
        }

        @Override
        public void stopped() {
        }
    }
}
