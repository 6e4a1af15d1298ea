package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.Connection;
import io.udpnet.engine.ConnectionStats;
import io.udpnet.engine.DisconnectReason;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One udpnet connection on real sockets, from a {@link MessageServer} or a {@link MessageClient}. All public
 * methods are thread-safe; the protocol engine behind it runs only on its I/O thread.
 *
 * <p><b>Sending.</b> {@link #trySend} hands a message to the I/O thread through a small per-channel staging queue
 * (64 KiB, or one larger message) and returns false when that queue is full: the engine's send window on that
 * channel is full (the peer has not acknowledged enough), or the application sends faster than the I/O thread takes
 * messages. That is the back-pressure signal; {@link #send} waits for room instead. Channels do not hold each other
 * back.
 *
 * <p><b>Receiving.</b> Without a {@link MessageConnectionListener}, messages wait in a bounded inbox for {@link #receive}.
 * While the inbox is full the connection refuses the messages in its peer's datagrams ({@link
 * io.udpnet.engine.Connection#pauseReceiving}), so the peer's reliable messages are sent again later rather than
 * piling up here, while acknowledgements and keep-alives still flow: an application may stop reading for as long
 * as it likes without losing the connection. Unreliable messages that arrive meanwhile are lost.
 *
 * <p><b>Threads.</b> This class is the application's side only: senders, receivers and threads waiting for the
 * connection to open or close each wait on their own condition, and none of them ever runs the engine. The engine
 * and everything that touches it live on the I/O thread ({@code ConnectionDriver}). {@link #stats()} never waits.
 * (The class is long for its public API's documentation; its logic is the locking above.)
 */
public final class MessageConnection implements AutoCloseable {

    /** Where a connection is in its life, as the application sees it. */
    public enum State {
        /** A client's handshake is in progress. */
        CONNECTING,
        /** Messages flow. */
        OPEN,
        /** {@link #close} was called; the goodbye is being sent. */
        CLOSING,
        /** Over: {@link #disconnectReason()} says why. */
        CLOSED
    }

    private final ConnectionDriver driver;
    private final ConnectionConfig config;
    private final MessageConnectionListener listener;
    /** Guards the staging queues and the move to CLOSING; senders wait on {@link #room}. */
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Condition room = sendLock.newCondition();
    private final Outbox outbox;
    private boolean drainRequested;
    /** Guards the inbox; receivers wait on {@link #arrived}. Null inbox: messages go to the listener. */
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final Condition arrived = receiveLock.newCondition();
    private final Inbox inbox;
    private final CompletableFuture<MessageConnection> opened = new CompletableFuture<>();
    private final CompletableFuture<DisconnectReason> closed = new CompletableFuture<>();
    private final AtomicBoolean refreshWanted = new AtomicBoolean();
    private volatile State state;
    private volatile DisconnectReason reason;
    private volatile ConnectionStats stats;

    MessageConnection(ConnectionDriver driver, ConnectionConfig config, MessageConnectionListener listener, Inbox inbox,
                      State initial) {
        this.driver = driver;
        this.config = config;
        this.listener = listener;
        this.inbox = inbox;
        this.state = initial;
        this.outbox = new Outbox(config.channelCount());
        if (initial == State.OPEN) {
            opened.complete(this);
        }
    }

    // ---- sending -------------------------------------------------------------------------------------------------

    /**
     * Hands a message to the connection without waiting: the bytes between position and limit are copied (the
     * position is unchanged). Returns false, taking nothing, when the channel's staging queue is full: try again
     * later, or use {@link #send}.
     *
     * @throws ConnectionClosedException when the connection is closing or closed
     * @throws IllegalArgumentException  for a channel that does not exist or a message too large for it
     */
    public boolean trySend(int channel, ByteBuffer message) throws ConnectionClosedException {
        Objects.requireNonNull(message, "message");
        int length = message.remaining();
        int max = config.maxMessageSize(channel);
        if (length > max) {
            throw new IllegalArgumentException("message of " + length + " bytes is over channel " + channel
                    + "'s limit of " + max);
        }
        boolean wake;
        sendLock.lock();
        try {
            if (state == State.CLOSING || state == State.CLOSED) {
                throw new ConnectionClosedException(reason);
            }
            if (!outbox.offer(channel, message)) {
                return false;
            }
            wake = !drainRequested;
            drainRequested = true;
        } finally {
            sendLock.unlock();
        }
        if (wake) {
            driver.requestDrain();
        }
        return true;
    }

    /** {@link #trySend(int, ByteBuffer)} for a whole array. */
    public boolean trySend(int channel, byte[] message) throws ConnectionClosedException {
        return trySend(channel, ByteBuffer.wrap(message));
    }

    /**
     * Sends a message, waiting while the channel is full. Must not be called from a {@link MessageConnectionListener}
     * (the I/O thread would wait for itself); use {@link #trySend} there.
     *
     * @throws ConnectionClosedException when the connection is or gets closed
     * @throws InterruptedIOException    when the thread is interrupted while waiting
     */
    public void send(int channel, ByteBuffer message) throws IOException {
        send(channel, message, -1);
    }

    /** {@link #send(int, ByteBuffer)} for a whole array. */
    public void send(int channel, byte[] message) throws IOException {
        send(channel, ByteBuffer.wrap(message), -1);
    }

    /**
     * Sends a message, waiting at most {@code timeout} for room. Returns false if there was none in time.
     *
     * @throws ConnectionClosedException when the connection is or gets closed
     */
    public boolean send(int channel, ByteBuffer message, Duration timeout) throws IOException {
        return send(channel, message, nanos(timeout));
    }

    private boolean send(int channel, ByteBuffer message, long nanos) throws IOException {
        if (driver.loop().inLoop()) {
            throw new IllegalStateException("blocking send on the I/O thread; use trySend in listeners");
        }
        long deadline = System.nanoTime() + nanos;
        while (!trySend(channel, message)) {
            sendLock.lock();
            try {
                // Re-check under the lock: the I/O thread signals after draining, and must not be missed.
                if (isOpen() && !outbox.hasRoom(channel, message.remaining())) {
                    if (nanos < 0) {
                        room.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        room.awaitNanos(left);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting to send");
            } finally {
                sendLock.unlock();
            }
        }
        return true;
    }

    // ---- receiving -----------------------------------------------------------------------------------------------

    /**
     * Waits for the next message. Only for connections without a {@link MessageConnectionListener}.
     *
     * @throws ConnectionClosedException when the connection is closed and every message was taken
     * @throws InterruptedIOException    when the thread is interrupted while waiting
     */
    public Message receive() throws IOException {
        return receive(-1);
    }

    /** Waits at most {@code timeout} for the next message; null if none came in time. See {@link #receive()}. */
    public Message receive(Duration timeout) throws IOException {
        return receive(nanos(timeout));
    }

    private Message receive(long nanos) throws IOException {
        if (inbox == null) {
            throw new IllegalStateException("this connection delivers to its MessageConnectionListener");
        }
        receiveLock.lock();
        try {
            long deadline = System.nanoTime() + nanos;
            while (inbox.isEmpty()) {
                if (state == State.CLOSED) {
                    throw new ConnectionClosedException(reason);
                }
                if (nanos < 0) {
                    arrived.await();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    arrived.awaitNanos(left);
                }
            }
            return inbox.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a message");
        } finally {
            receiveLock.unlock();
        }
    }

    // ---- life ----------------------------------------------------------------------------------------------------

    /** Closes the connection with no reason text; see {@link #close(String)}. */
    @Override
    public void close() {
        close("");
    }

    /**
     * Closes the connection gracefully: messages already handed to {@code send} are still delivered (reliable ones
     * acknowledged) for up to two seconds, then the peer is told, with {@code reason} (up to 255 UTF-8 bytes).
     * Messages already received can still be taken. Idempotent; does not wait: {@link #closeFuture()} completes
     * when the connection has ended.
     */
    public void close(String reason) {
        Objects.requireNonNull(reason, "reason");
        sendLock.lock();
        try {
            if (state == State.CLOSING || state == State.CLOSED) {
                return;
            }
            state = State.CLOSING;
            room.signalAll();
        } finally {
            sendLock.unlock();
        }
        driver.loop().execute(() -> driver.beginClose(reason));
    }

    /**
     * Completes with the reason once the connection has ended, whichever side ended it; for code that does not
     * block. Completing the returned future changes nothing here.
     *
     * @return a future of the reason
     */
    public CompletableFuture<DisconnectReason> closeFuture() {
        return closed.copy();
    }

    public State state() {
        return state;
    }

    /** Whether messages can still be sent: not closing or closed. */
    public boolean isOpen() {
        State s = state;
        return s == State.OPEN || s == State.CONNECTING;
    }

    /** Why the connection ended, or null while it has not. */
    public DisconnectReason disconnectReason() {
        return reason;
    }

    /** The peer's address: the server's for a client; for a server, the client's (it follows a validated move). */
    public InetSocketAddress remoteAddress() {
        return driver.remoteAddress();
    }

    public ConnectionConfig config() {
        return config;
    }

    /**
     * The connection's counters and estimates (RTT, congestion window, loss), as last published by its I/O thread;
     * never waits. Each call asks for a fresh snapshot, so polling sees values at most one call old; on the I/O thread
     * (in a listener) the values are current. After the connection ended, its final counters.
     */
    public ConnectionStats stats() {
        if (driver.loop().inLoop()) {
            driver.publishStats();
        } else if (state != State.CLOSED && !refreshWanted.getAndSet(true)) {
            driver.loop().execute(() -> {
                refreshWanted.set(false);
                driver.publishStats();
            });
        }
        return stats;
    }

    /**
     * A snapshot taken on the I/O thread after this call; for code that needs current values without blocking.
     *
     * @return a future of the snapshot (the final one, once the connection ended)
     */
    public CompletableFuture<ConnectionStats> statsAsync() {
        CompletableFuture<ConnectionStats> f = new CompletableFuture<>();
        if (state == State.CLOSED) {
            f.complete(stats);
        } else {
            driver.loop().execute(() -> {
                driver.publishStats();
                f.complete(stats);
            });
            // A loop that stopped runs no task: the connection ended, and its final snapshot stands.
            closed.thenRun(() -> f.complete(stats));
        }
        return f;
    }

    @Override
    public String toString() {
        return "MessageConnection{" + remoteAddress() + ", " + state + (reason == null ? "" : ", " + reason) + '}';
    }

    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    // ---- for the I/O side (ConnectionDriver) ---------------------------------------------------------------------

    /** Completes when a client's handshake is done (with this connection) or failed (with its reason). */
    CompletableFuture<MessageConnection> openedFuture() {
        return opened;
    }

    ConnectionDriver driver() {
        return driver;
    }

    boolean inboxFull() {
        return inbox != null && inbox.full();
    }

    /** A drain found no engine yet: the next request must reach the I/O thread again. */
    void drained() {
        sendLock.lock();
        try {
            drainRequested = false;
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Moves staged messages into the engine (or discards them when it no longer takes any). Done under the send lock,
     * which costs one copy less than taking them out first; senders wait at most one drain pass for it, receivers
     * not at all. Returns true when messages still wait for the engine's window.
     */
    boolean moveStaged(Connection engine, boolean discard) {
        sendLock.lock();
        try {
            drainRequested = false;
            if (outbox.moveTo(engine, discard)) {
                room.signalAll();
            }
            return !outbox.isEmpty();
        } finally {
            sendLock.unlock();
        }
    }

    /** The engine let go of its buffers as the connection went idle: so do the empty staging queues. I/O thread. */
    void idle() {
        sendLock.lock();
        try {
            outbox.releaseEmpty();
        } finally {
            sendLock.unlock();
        }
    }

    /** Whether messages handed over are still waiting or unacknowledged: a close lingers for them. */
    boolean unfinished(Connection engine) {
        sendLock.lock();
        try {
            return !outbox.isEmpty() || outbox.engineBusy(engine);
        } finally {
            sendLock.unlock();
        }
    }

    void arrived(int channel, ByteBuffer buffer, int offset, int length) {
        receiveLock.lock();
        try {
            inbox.add(channel, buffer, offset, length);
            arrived.signalAll();
        } finally {
            receiveLock.unlock();
        }
    }

    void published(ConnectionStats snapshot) {
        this.stats = snapshot;
    }

    void opened() {
        sendLock.lock();
        try {
            if (state == State.CONNECTING) {
                state = State.OPEN;
            }
        } finally {
            sendLock.unlock();
        }
        opened.complete(this);
    }

    void ended(DisconnectReason r) {
        reason = r;
        sendLock.lock();
        try {
            state = State.CLOSED;
            outbox.clear();
            room.signalAll();
        } finally {
            sendLock.unlock();
        }
        receiveLock.lock();
        try {
            if (inbox != null) {
                inbox.detach();
            }
            arrived.signalAll();
        } finally {
            receiveLock.unlock();
        }
        opened.complete(this);
        closed.complete(r);
    }
}
