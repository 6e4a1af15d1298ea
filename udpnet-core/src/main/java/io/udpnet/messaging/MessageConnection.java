package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.io.IoLoop;
import io.udpnet.engine.Connection;
import io.udpnet.engine.ConnectionListener;
import io.udpnet.engine.ConnectionStats;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.engine.DisconnectReason;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p><b>Receiving.</b> Without a {@link MessageListener}, messages wait in a bounded inbox for {@link #receive}.
 * While the inbox is full the connection refuses the messages in its peer's datagrams ({@link
 * io.udpnet.engine.Connection#pauseReceiving}), so the peer's reliable messages are sent again later rather than
 * piling up here, while acknowledgements and keep-alives still flow: an application may stop reading for as long
 * as it likes without losing the connection. Unreliable messages that arrive meanwhile are lost.
 */
public final class MessageConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.udpnet.messaging");
    /** How long a close waits for messages handed over earlier to be sent and acknowledged. */
    static final long CLOSE_LINGER_NANOS = 2_000_000_000L;
    private static final long STATS_WAIT_MILLIS = 5_000;

    /** What the transport under a connection does when it changes. Called on the I/O thread. */
    interface Owner {
        void established(MessageConnection c);

        void closed(MessageConnection c);

        void addressChanged(MessageConnection c, InetSocketAddress previous);

        /** Staged messages wait for the engine's window: drain again after acks arrive. */
        void stalled(MessageConnection c);

        /** A close waits for messages handed over earlier: call {@link #finishClose} until it returns true. */
        void lingering(MessageConnection c);

        /** The application staged messages: call {@link #drain} on the I/O thread soon. Any thread. */
        void requestDrain(MessageConnection c);
    }

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

    private final IoLoop loop;
    private final Owner owner;
    private final ConnectionConfig config;
    private final MessageListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Outbox outbox;
    /** Null for a connection with a listener. */
    private final Inbox inbox;
    private final Events events = new Events();
    private boolean drainRequested;
    private volatile State state;
    private volatile DisconnectReason reason;
    private volatile InetSocketAddress remote;
    private volatile ConnectionStats finalStats;
    /** The engine; touched only on the I/O thread. */
    private Connection engine;
    private ByteBuffer view;
    /** Whether the owner has this connection on its list of stalled ones; I/O thread only. */
    private boolean stalled;
    private String closeText;
    private long lingerUntil;

    MessageConnection(IoLoop loop, Owner owner, ConnectionConfig config, MessageListener listener, int inboxLimit,
                      InboxBudget inboxBudget, InetSocketAddress remote, State initial) {
        this.loop = loop;
        this.owner = owner;
        this.config = config;
        this.listener = listener;
        this.remote = remote;
        this.state = initial;
        this.outbox = new Outbox(config.channelCount());
        this.inbox = listener == null ? new Inbox(inboxLimit, inboxBudget) : null;
    }

    // ---- application side -------------------------------------------------------------------------------------

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
        lock.lock();
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
            lock.unlock();
        }
        if (wake) {
            if (loop.inLoop()) {
                drain();
            } else {
                owner.requestDrain(this);
            }
        }
        return true;
    }

    /** {@link #trySend(int, ByteBuffer)} for a whole array. */
    public boolean trySend(int channel, byte[] message) throws ConnectionClosedException {
        return trySend(channel, ByteBuffer.wrap(message));
    }

    /**
     * Sends a message, waiting while the channel is full. Must not be called from a {@link MessageListener}
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
        if (loop.inLoop()) {
            throw new IllegalStateException("blocking send on the I/O thread; use trySend in listeners");
        }
        long deadline = System.nanoTime() + nanos;
        while (!trySend(channel, message)) {
            lock.lock();
            try {
                // Re-check under the lock: the I/O thread signals after draining, and must not be missed.
                if (isOpen() && !outbox.hasRoom(channel, message.remaining())) {
                    if (nanos < 0) {
                        changed.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        changed.awaitNanos(left);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting to send");
            } finally {
                lock.unlock();
            }
        }
        return true;
    }

    /**
     * Waits for the next message. Only for connections without a {@link MessageListener}.
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
            throw new IllegalStateException("this connection delivers to its MessageListener");
        }
        lock.lock();
        try {
            long deadline = System.nanoTime() + nanos;
            while (inbox.isEmpty()) {
                if (state == State.CLOSED) {
                    throw new ConnectionClosedException(reason);
                }
                if (nanos < 0) {
                    changed.await();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    changed.awaitNanos(left);
                }
            }
            return inbox.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a message");
        } finally {
            lock.unlock();
        }
    }

    /** Closes the connection with no reason text; see {@link #close(String)}. */
    @Override
    public void close() {
        close("");
    }

    /**
     * Closes the connection gracefully: messages already handed to {@code send} are still delivered (reliable ones
     * acknowledged) for up to two seconds, then the peer is told, with {@code reason} (up to 255 UTF-8 bytes).
     * Messages already received can still be taken. Idempotent; does not wait.
     */
    public void close(String reason) {
        Objects.requireNonNull(reason, "reason");
        lock.lock();
        try {
            if (state == State.CLOSING || state == State.CLOSED) {
                return;
            }
            state = State.CLOSING;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        loop.execute(() -> beginClose(reason));
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
        return remote;
    }

    public ConnectionConfig config() {
        return config;
    }

    /**
     * A snapshot of the connection's counters and estimates (RTT, congestion window, loss), taken on its I/O thread.
     * After the connection closed, the last snapshot.
     */
    public ConnectionStats stats() {
        ConnectionStats last = finalStats;
        if (last != null) {
            return last;
        }
        if (loop.inLoop()) {
            return engine.stats();
        }
        CompletableFuture<ConnectionStats> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(finalStats != null ? finalStats : engine.stats()));
        try {
            return f.get(STATS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while taking stats", e);
        } catch (ExecutionException | TimeoutException e) {
            ConnectionStats after = finalStats;
            if (after != null) {
                return after;
            }
            throw new IllegalStateException("the I/O thread did not answer", e);
        }
    }

    @Override
    public String toString() {
        return "MessageConnection{" + remote + ", " + state + (reason == null ? "" : ", " + reason) + '}';
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

    /** Waits at most {@code nanos} while a client's handshake is in progress; returns the state then. */
    State awaitHandshake(long nanos) throws InterruptedIOException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + nanos;
            while (state == State.CONNECTING) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            return state;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting");
        } finally {
            lock.unlock();
        }
    }

    // ---- I/O thread side ---------------------------------------------------------------------------------------

    ConnectionListener events() {
        return events;
    }

    void engine(Connection engine) {
        this.engine = engine;
        engine.attach(this);
    }

    Connection engine() {
        return engine;
    }

    /** Whether datagrams must wait because the application has not taken enough messages. I/O thread. */
    boolean inboxFull() {
        return inbox != null && inbox.full();
    }

    /** Moves staged messages into the engine as far as its windows allow. I/O thread. */
    void drain() {
        boolean waiting;
        lock.lock();
        try {
            drainRequested = false;
            if (engine == null) {
                return;   // not yet accepted by the engine: drained once it is
            }
            Connection.State s = engine.state();
            boolean live = s == Connection.State.CONNECTED || s == Connection.State.CONNECTING;
            if (outbox.moveTo(engine, !live)) {
                changed.signalAll();
            }
            waiting = !outbox.isEmpty();
        } finally {
            lock.unlock();
        }
        if (waiting && !stalled) {
            stalled = true;
            owner.stalled(this);
        }
    }

    /** Starts a graceful close (see {@link #close(String)}). I/O thread. */
    void beginClose(String text) {
        if (engine == null) {
            return;   // a client's connect task has not run yet: it sees CLOSING and closes at once
        }
        closeText = text;
        lingerUntil = System.nanoTime() + CLOSE_LINGER_NANOS;
        drain();
        if (!finishClose(System.nanoTime())) {
            owner.lingering(this);
        }
    }

    /**
     * Closes the engine once everything handed over was sent and, on reliable channels, acknowledged, or the linger
     * time is over. Returns true when the engine is closing or closed. I/O thread.
     */
    boolean finishClose(long now) {
        Connection.State s = engine.state();
        if (s == Connection.State.CLOSING || s == Connection.State.CLOSED) {
            return true;
        }
        if (now - lingerUntil < 0 && s == Connection.State.CONNECTED && unfinished()) {
            drain();
            return false;
        }
        engine.close(closeText);
        return true;
    }

    private boolean unfinished() {
        lock.lock();
        try {
            return !outbox.isEmpty() || outbox.engineBusy(engine);
        } finally {
            lock.unlock();
        }
    }

    /** Called by the owner when it takes the connection off its stalled list to drain it again. */
    void unstall() {
        stalled = false;
    }

    private void deliver(int channel, ByteBuffer buffer, int offset, int length) {
        if (listener != null) {
            if (view == null || !buffer.hasArray() || view.array() != buffer.array()) {
                view = buffer.hasArray() ? ByteBuffer.wrap(buffer.array()) : buffer.duplicate();
            }
            int base = buffer.hasArray() ? buffer.arrayOffset() : 0;
            view.limit(base + offset + length).position(base + offset);
            try {
                listener.onMessage(this, channel, view);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "message listener threw for " + remote, e);
            }
            return;
        }
        lock.lock();
        try {
            inbox.add(channel, buffer, offset, length);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the connection without its engine, whose I/O thread has stopped. On that thread, or after it died. */
    void terminate(String why) {
        if (state != State.CLOSED) {
            ended(new DisconnectReason(DisconnectCode.SHUTDOWN, why, false));
        }
    }

    private void ended(DisconnectReason r) {
        finalStats = engine == null ? null : engine.stats();
        // The owner forgets the connection before anyone waiting can see it closed.
        owner.closed(this);
        lock.lock();
        try {
            reason = r;
            state = State.CLOSED;
            outbox.clear();
            if (inbox != null) {
                inbox.detach();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (listener != null) {
            try {
                listener.onClosed(this, r);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "message listener threw in onClosed for " + remote, e);
            }
        }
    }

    /** The engine's events for this connection, kept off the public API. */
    private final class Events implements ConnectionListener {
        @Override
        public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
            deliver(channel, buffer, offset, length);
        }

        @Override
        public void onConnected(Connection connection) {
            if (engine == null) {
                engine(connection);
            }
            lock.lock();
            try {
                if (state == State.CONNECTING) {
                    state = State.OPEN;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            owner.established(MessageConnection.this);
            drain();
            if (listener != null) {
                try {
                    listener.onConnected(MessageConnection.this);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "message listener threw in onConnected for " + remote, e);
                }
            }
        }

        @Override
        public void onAddressChanged(Connection connection, InetSocketAddress previous) {
            remote = connection.remoteAddress();
            owner.addressChanged(MessageConnection.this, previous);
        }

        @Override
        public void onDisconnected(Connection connection, DisconnectReason r) {
            if (engine == null) {
                engine(connection);
            }
            ended(r);
        }
    }
}
