package io.udpnet.transport;

import io.udpnet.dtls.DtlsPeer;
import io.udpnet.io.ServerMode;
import io.udpnet.io.SocketGroup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One remote peer (one source address) of a {@link UdpServer}: it receives only that peer's datagrams and sends to
 * it. Obtained from {@link UdpServer#accept()} or a {@link UdpServerListener}. All public methods are thread-safe.
 *
 * <p>Datagrams are read either with {@link #receive} (blocking; suited to one virtual thread per session) or, when
 * the {@link UdpServerListener} returned a {@link DatagramSessionListener}, pushed to that handler. The receive queue is
 * bounded: when it is full, new datagrams are dropped and counted ({@link DatagramDropReason#QUEUE_FULL}).
 *
 * <p>The raw level does not deduplicate: a retransmitted datagram is delivered again. Datagrams that took different
 * kernel paths (the listening socket and the peer's own connected socket, in {@link ServerMode#CONNECTED}) may be
 * delivered out of order, as UDP allows. Received datagrams are read by the server's I/O thread; {@link #send} writes
 * from the calling thread straight to the socket.
 *
 * <p>On a server configured with DTLS ({@link UdpServerConfig.Builder#dtls}) a session exists only once its handshake
 * completed; it receives decrypted datagrams, and {@link #send} encrypts each datagram into one record. A tampered or
 * replayed record is dropped and counted without closing the session; the peer's close_notify closes it
 * ({@link SessionCloseReason#PEER_CLOSED}), and {@link #close()} sends one.
 */
public final class DatagramSession implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.udpnet.transport");

    private final Dispatcher owner;
    private final InetSocketAddress remote;
    /** The sockets of the I/O thread that first heard the peer: its listener, and the peer's own socket if any. */
    private final SocketGroup group;
    private final ClosableQueue<byte[]> queue;
    /** Serialises handler calls, and makes close() and an in-flight handler call mutually exclusive. */
    private final ReentrantLock handlerLock = new ReentrantLock();
    private final ReentrantLock stateLock = new ReentrantLock();
    private final LongAdder received = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile DatagramSessionListener handler;
    private volatile SessionCloseReason closeReason;
    private volatile IOException closeError;
    private volatile long lastReceiveNanos = System.nanoTime();
    /** The DTLS side on a secure server, else null. */
    private final SecureChannel secure;

    DatagramSession(Dispatcher owner, InetSocketAddress remote, SocketGroup group, SecureChannel secure) {
        this.owner = owner;
        this.remote = remote;
        this.group = group;
        this.queue = new ClosableQueue<>(owner.config().receiveQueueCapacity());
        this.secure = secure;
        if (secure != null) {
            secure.bind(this);
        }
    }

    /**
     * Whether the session runs over DTLS: then {@link #receive} and the listener see decrypted datagrams, and
     * {@link #send} encrypts each datagram into one record.
     *
     * @return true on a server configured with DTLS
     */
    public boolean isSecure() {
        return secure != null;
    }

    /**
     * The DTLS cipher suite in use.
     *
     * @return the suite's name, or empty on a plain session
     */
    public Optional<String> cipherSuite() {
        return secure == null ? Optional.empty() : Optional.of(secure.peer().engine().getSession().getCipherSuite());
    }

    /**
     * The certificates the DTLS peer presented (with client authentication).
     *
     * @return the chain, leaf first; empty on a plain session or when the client sent none
     */
    public java.security.cert.Certificate[] peerCertificates() {
        if (secure == null) {
            return new java.security.cert.Certificate[0];
        }
        try {
            return secure.peer().engine().getSession().getPeerCertificates();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return new java.security.cert.Certificate[0];
        }
    }

    /**
     * The peer's address (IP and port). A peer that changes port is a different session.
     *
     * @return the remote address
     */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /**
     * The server's local address this session talks through.
     *
     * @return the local address
     */
    public SocketAddress localAddress() {
        return group.localAddress();
    }

    /**
     * Whether this session has its own connected socket ({@link ServerMode#CONNECTED}, within the cap). Only such a
     * session can learn of ICMP port unreachable.
     *
     * @return true when the session reads and writes through its own connected socket
     */
    public boolean hasOwnSocket() {
        return group.hasOwnSocket(remote);
    }

    /**
     * Whether the session is open.
     *
     * @return false once closed, for whatever reason
     */
    public boolean isOpen() {
        return closeReason == null;
    }

    /**
     * Why the session closed.
     *
     * @return the reason, or empty while open
     */
    public Optional<SessionCloseReason> closeReason() {
        return Optional.ofNullable(closeReason);
    }

    /**
     * The datagrams delivered to this session (queued or handed to its handler).
     *
     * @return the count
     */
    public long receivedCount() {
        return received.sum();
    }

    /**
     * The datagrams from this peer dropped because the receive queue was full or the session was closing.
     *
     * @return the count
     */
    public long droppedCount() {
        return dropped.sum();
    }

    /**
     * Waits for the next datagram and copies it into {@code dst}.
     *
     * @param dst where the datagram goes, from its position; if it has less room than the datagram, the rest is
     *            discarded (compare the return value with the bytes written)
     * @return the datagram's full length
     * @throws SessionClosedException when the session is closed (the reason tells why)
     * @throws InterruptedIOException when the thread is interrupted while waiting
     * @throws IllegalStateException when a {@link DatagramSessionListener} receives this session's datagrams
     */
    public int receive(ByteBuffer dst) throws IOException {
        return receive(dst, -1L);
    }

    /**
     * Like {@link #receive(ByteBuffer)}, but waits at most {@code timeout}.
     *
     * @param dst where the datagram goes
     * @param timeout the longest wait; zero or negative polls without waiting
     * @return the datagram's full length, or -1 if none arrived in time
     * @throws IOException as {@link #receive(ByteBuffer)}
     */
    public int receive(ByteBuffer dst, Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        return receive(dst, ClosableQueue.waitNanos(timeout));
    }

    private int receive(ByteBuffer dst, long nanos) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (handler != null) {
            throw new IllegalStateException("datagrams of this session go to its DatagramSessionListener");
        }
        byte[] datagram;
        try {
            datagram = queue.poll(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a datagram");
        }
        if (datagram == null) {
            if (queue.isClosed()) {
                throw closedException();
            }
            return -1;
        }
        dst.put(datagram, 0, Math.min(datagram.length, dst.remaining()));
        return datagram.length;
    }

    /**
     * Sends the bytes between {@code src}'s position and limit to the peer as one datagram.
     *
     * @param src the datagram; its position advances by the bytes sent
     * @return the number of bytes sent; 0 when the socket's send buffer was full (the datagram is dropped, as the
     *         network might have dropped it)
     * @throws SessionClosedException when the session is closed
     * @throws PortUnreachableException when the peer's port is known to be closed (connected sockets only); the
     *                                  session is closed with {@link SessionCloseReason#PORT_UNREACHABLE}
     * @throws IOException on other I/O errors
     * @throws IllegalArgumentException on a {@linkplain #isSecure() secure} session, when the datagram is empty or
     *                                  does not fit one DTLS record within the maximum datagram size
     */
    public int send(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        if (!isOpen()) {
            throw closedException();
        }
        if (secure != null) {
            return sendSecure(src);
        }
        int n;
        try {
            n = group.sendNow(remote, src);
        } catch (PortUnreachableException e) {
            fail(SessionCloseReason.PORT_UNREACHABLE, e);
            throw e;
        } catch (ClosedChannelException e) {
            if (!isOpen()) {
                throw closedException();
            }
            throw e;
        }
        owner.counters().sent(n);
        return n;
    }

    private int sendSecure(ByteBuffer src) throws IOException {
        try {
            return secure.send(src);
        } catch (javax.net.ssl.SSLException e) {
            if (!isOpen()) {
                throw closedException();
            }
            throw e;
        }
    }

    /** Closes the session: later datagrams from the same address open a new session. Idempotent. */
    @Override
    public void close() {
        closeWith(SessionCloseReason.LOCAL_CLOSE, null);
    }

    // ---- package-private: used by the server's threads ----

    void installHandler(DatagramSessionListener h) {
        this.handler = h;
    }

    long lastReceiveNanos() {
        return lastReceiveNanos;
    }

    /**
     * DTLS: decrypts a datagram of records and delivers the plaintext; answers what the association must answer
     * (a retransmitted handshake flight, close_notify); closes the session when the association ended. I/O thread.
     */
    void deliverRecords(ByteBuffer datagram, long now) {
        long invalid = secure.receive(datagram, now);
        DtlsPeer.State state = secure.peer().state();
        if (invalid > 0) {
            owner.dtls().countInvalidRecords(invalid);
            for (long i = 0; i < invalid; i++) {
                owner.counters().drop(DatagramDropReason.DTLS_INVALID_RECORD);
            }
        } else {
            lastReceiveNanos = System.nanoTime();
        }
        if (state == DtlsPeer.State.CLOSED) {
            closeWith(secure.peer().closeCause() == DtlsPeer.CloseCause.PEER_CLOSED ? SessionCloseReason.PEER_CLOSED
                    : SessionCloseReason.SECURITY_ERROR, null);
        }
    }

    /** Hands a datagram (position..limit) to the handler or the queue. Never throws. */
    void deliver(ByteBuffer datagram) {
        lastReceiveNanos = System.nanoTime();
        DatagramSessionListener h = handler;
        if (h == null) {
            byte[] copy = new byte[datagram.remaining()];
            datagram.get(copy);
            if (queue.offer(copy)) {
                received.increment();
            } else {
                dropped.increment();
                owner.counters().drop(isOpen() ? DatagramDropReason.QUEUE_FULL : DatagramDropReason.SESSION_CLOSED);
            }
            return;
        }
        handlerLock.lock();
        try {
            if (!isOpen()) {
                dropped.increment();
                owner.counters().drop(DatagramDropReason.SESSION_CLOSED);
                return;
            }
            received.increment();
            h.onDatagram(this, datagram.asReadOnlyBuffer());
        } catch (RuntimeException e) {
            owner.counters().drop(DatagramDropReason.ERROR);
            LOG.log(Level.WARNING, "session handler threw for " + remote, e);
        } finally {
            handlerLock.unlock();
        }
    }

    /** Closes the session because of an I/O error, telling the handler first. */
    void fail(SessionCloseReason reason, IOException error) {
        closeWith(reason, error);
    }

    /** Closes with a reason; the first reason wins. */
    void closeWith(SessionCloseReason reason, IOException error) {
        stateLock.lock();
        try {
            if (closeReason != null) {
                return;
            }
            closeError = error;
            closeReason = reason;
        } finally {
            stateLock.unlock();
        }
        if (secure != null) {
            // close_notify before the socket goes (a no-op when the peer's close or an alert ended the association)
            secure.close();
            owner.dtls().release(secure.peer());
        }
        // Leave the routing table and release the socket before waking receivers: whoever sees the session closed
        // can rely on the next datagram from the address opening a new session.
        owner.sessionClosed(this);
        releaseOwnSocket();
        for (int i = queue.close().size(); i > 0; i--) {
            owner.counters().drop(DatagramDropReason.SESSION_CLOSED);
        }
        notifyHandler(reason, error);
    }

    /**
     * Closes the peer's own socket on the I/O thread that owns it, and waits for that: once close() returns, the
     * peer's next datagram reaches the listener and opens a new session.
     */
    private void releaseOwnSocket() {
        if (group.loop().inLoop()) {
            group.detach(remote);
            return;
        }
        if (!group.hasOwnSocket(remote) || group.loop().isStopped()) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        group.loop().execute(() -> {
            group.detach(remote);
            done.complete(null);
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "the socket of " + remote + " was not released within 5 s", e);
        }
    }

    private void notifyHandler(SessionCloseReason reason, IOException error) {
        DatagramSessionListener h = handler;
        if (h == null) {
            return;
        }
        // Wait for an in-flight onDatagram, so the handler never sees onClosed before a concurrent onDatagram ends.
        // A handler that closes its own session from inside onDatagram re-enters the (reentrant) lock.
        handlerLock.lock();
        try {
            if (error != null) {
                h.onError(this, error);
            }
            h.onClosed(this, reason);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "session handler threw on close of " + remote, e);
        } finally {
            handlerLock.unlock();
        }
    }

    private SessionClosedException closedException() {
        return new SessionClosedException(closeReason == null ? SessionCloseReason.LOCAL_CLOSE : closeReason, closeError);
    }

    @Override
    public String toString() {
        return "DatagramSession[" + remote + (isOpen() ? "" : ", closed: " + closeReason) + "]";
    }
}
