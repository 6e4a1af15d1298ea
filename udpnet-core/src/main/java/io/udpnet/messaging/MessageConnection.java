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
 * <p><b>Threads.</b> This class is the application's side only: senders and receivers wait for room or a message
 * (parked, each side on its own list), threads waiting for the connection to open or close on a future, and none of
 * them ever runs the engine. The engine and everything that touches it live on the I/O thread ({@code
 * ConnectionDriver}). {@link #stats()} waits at most for its first snapshot.
 *
 * <p><b>Memory.</b> An idle connection holds no lock, future, snapshot or buffer of its own here: monitors guard the
 * state (the outbox's for sending and the connection's life, the inbox's for receiving; they guard memory only, no
 * thread waits holding one), and what waiting threads, {@link #closeFuture()} or {@link #stats()} need is made when
 * they first need it. Receivers wait in {@code Inbox.await}; statistics come through {@code StatsRequests}.
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
    /** The staging queues; its monitor guards them, {@link #drainRequested}, {@link #extra} and changes of state. */
    private final Outbox outbox;
    private boolean drainRequested;
    /** Received messages (its monitor guards it and its waiters); null: messages go to the listener. */
    private final Inbox inbox;
    private volatile State state;
    private volatile DisconnectReason reason;
    /** Waiting senders, futures and the stats snapshot, while anyone needs them; null while no one does. */
    private volatile OnDemand extra;

    MessageConnection(ConnectionDriver driver, Inbox inbox, State initial) {
        this.driver = driver;
        this.inbox = inbox;
        this.state = initial;
        this.outbox = new Outbox();
        if (initial == State.CONNECTING) {
            extra().opened = new CompletableFuture<>();
        }
    }

    /** The on-demand part, made if missing. Under the outbox's monitor (or before the connection is shared). */
    private OnDemand extra() {
        OnDemand e = extra;
        if (e == null) {
            extra = e = new OnDemand();
        }
        return e;
    }

    /** Lets go of the on-demand part when nothing in it is needed. Under the outbox's monitor. */
    private void trimExtra() {
        OnDemand e = extra;
        if (e != null && e.unused()) {
            extra = null;
        }
    }

    /** Wakes the parked senders, if any. Under the outbox's monitor. */
    private void wakeSenders() {
        OnDemand e = extra;
        if (e != null) {
            Waiters.wakeAll(e.senders);
        }
    }

    /** The last snapshot published for the application, or null. */
    ConnectionStats lastStats() {
        OnDemand e = extra;
        return e == null ? null : e.stats;
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
        int max = config().maxMessageSize(channel);
        if (length > max) {
            throw new IllegalArgumentException("message of " + length + " bytes is over channel " + channel
                    + "'s limit of " + max);
        }
        boolean wake;
        synchronized (outbox) {
            if (state == State.CLOSING || state == State.CLOSED) {
                throw new ConnectionClosedException(reason);
            }
            if (!outbox.offer(channel, message)) {
                return false;
            }
            wake = !drainRequested;
            drainRequested = true;
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
        return send(channel, message, Waiters.nanos(timeout));
    }

    private boolean send(int channel, ByteBuffer message, long nanos) throws IOException {
        if (driver.loop().inLoop()) {
            throw new IllegalStateException("blocking send on the I/O thread; use trySend in listeners");
        }
        long deadline = System.nanoTime() + nanos;
        while (!trySend(channel, message)) {
            long left = -1;
            synchronized (outbox) {
                // Re-check under the monitor: the I/O thread wakes the senders listed after draining, under it too.
                if (!isOpen() || outbox.hasRoom(channel, message.remaining())) {
                    continue;
                }
                if (nanos >= 0 && (left = deadline - System.nanoTime()) <= 0) {
                    return false;
                }
                OnDemand e = extra();
                e.senders = Waiters.add(e.senders);
            }
            try {
                if (Waiters.park(this, left)) {
                    throw new InterruptedIOException("interrupted while waiting to send");
                }
            } finally {
                synchronized (outbox) {
                    OnDemand e = extra;
                    if (e != null) {
                        e.senders = Waiters.remove(e.senders);
                        trimExtra();
                    }
                }
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
        return receive(Waiters.nanos(timeout));
    }

    private Message receive(long nanos) throws IOException {
        if (inbox == null) {
            throw new IllegalStateException("this connection delivers to its MessageConnectionListener");
        }
        return inbox.await(this, nanos);
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
        synchronized (outbox) {
            if (state == State.CLOSING || state == State.CLOSED) {
                return;
            }
            state = State.CLOSING;
            wakeSenders();
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
        return closedFuture().copy();
    }

    /** The future {@link #ended} completes: made on first use, or already complete when the connection ended. */
    CompletableFuture<DisconnectReason> closedFuture() {
        synchronized (outbox) {
            if (state == State.CLOSED) {
                return CompletableFuture.completedFuture(reason);
            }
            OnDemand e = extra();
            if (e.closed == null) {
                e.closed = new CompletableFuture<>();
            }
            return e.closed;
        }
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
        return driver.config();
    }

    /**
     * The connection's counters and estimates (RTT, congestion window, loss), as last published by its I/O thread.
     * Each call asks for a fresh snapshot, so polling sees values at most one call old; on the I/O thread (in a
     * listener) the values are current. After the connection ended, its final counters. A connection keeps no
     * snapshot until its application first asks, so the first call from another thread waits for one (a turn of the
     * I/O thread, five seconds at most); later calls never wait.
     *
     * @return the snapshot; null only when none could be had (a client's connection whose I/O thread has not started
     *         it yet, an I/O thread that did not answer, or an interrupt while waiting for the first)
     */
    public ConnectionStats stats() {
        return StatsRequests.latest(this);
    }

    /**
     * A snapshot taken on the I/O thread after this call; for code that needs current values without blocking.
     *
     * @return a future of the snapshot (the final one, once the connection ended)
     */
    public CompletableFuture<ConnectionStats> statsAsync() {
        return StatsRequests.fresh(this);
    }

    @Override
    public String toString() {
        return "MessageConnection{" + remoteAddress() + ", " + state + (reason == null ? "" : ", " + reason) + '}';
    }

    // ---- for the I/O side (ConnectionDriver) ---------------------------------------------------------------------

    /**
     * Completes when a client's handshake is done (with this connection) or failed (with its reason); null on a
     * server. Taken before the connect task is handed to the I/O thread, which lets go of it once it completes.
     */
    CompletableFuture<MessageConnection> openedFuture() {
        synchronized (outbox) {
            OnDemand e = extra;
            return e == null ? null : e.opened;
        }
    }

    ConnectionDriver driver() {
        return driver;
    }

    boolean inboxFull() {
        return inbox != null && inbox.full();
    }

    /** A drain found no engine yet: the next request must reach the I/O thread again. */
    void drained() {
        synchronized (outbox) {
            drainRequested = false;
        }
    }

    /**
     * Moves staged messages into the engine (or discards them when it no longer takes any). Done under the outbox's
     * monitor, which costs one copy less than taking them out first; senders wait at most one drain pass for it,
     * receivers not at all. Returns true when messages still wait for the engine's window.
     */
    boolean moveStaged(Connection engine, boolean discard) {
        synchronized (outbox) {
            drainRequested = false;
            if (outbox.moveTo(engine, discard)) {
                wakeSenders();
            }
            return !outbox.isEmpty();
        }
    }

    /** The engine let go of its buffers as the connection went idle: so do the empty queues here. I/O thread. */
    void idle() {
        synchronized (outbox) {
            outbox.releaseEmpty();
            trimExtra();
        }
        if (inbox != null) {
            synchronized (inbox) {
                inbox.releaseIfEmpty();
            }
        }
    }

    /** Staging and inbox queues held (empty or not): none once an idle connection let go of them. Any thread. */
    int buffersHeld() {
        int n;
        synchronized (outbox) {
            n = outbox.queuesHeld();
        }
        if (inbox != null) {
            synchronized (inbox) {
                n += inbox.queueHeld() ? 1 : 0;
            }
        }
        return n;
    }

    /** Whether messages handed over are still waiting or unacknowledged: a close lingers for them. */
    boolean unfinished(Connection engine) {
        synchronized (outbox) {
            return !outbox.isEmpty() || outbox.engineBusy(engine);
        }
    }

    void arrived(int channel, ByteBuffer buffer, int offset, int length) {
        synchronized (inbox) {
            inbox.add(channel, buffer, offset, length);
            Waiters.wakeAll(inbox.waiters);
        }
    }

    /**
     * Marks a fresh snapshot as asked for; false when one is asked already or the connection ended (no new request
     * is needed then).
     */
    boolean askRefresh() {
        synchronized (outbox) {
            OnDemand e = extra();
            boolean ask = state != State.CLOSED && !e.refreshWanted;
            e.refreshWanted = true;
            return ask;
        }
    }

    /** The snapshot asked for by {@link #askRefresh} is published. I/O thread. */
    void refreshed() {
        synchronized (outbox) {
            extra().refreshWanted = false;
        }
    }

    /** A snapshot the application asked for (or the final one). I/O thread. */
    void published(ConnectionStats snapshot) {
        synchronized (outbox) {
            extra().stats = snapshot;
        }
    }

    void opened() {
        CompletableFuture<MessageConnection> f;
        synchronized (outbox) {
            if (state == State.CONNECTING) {
                state = State.OPEN;
            }
            OnDemand e = extra;
            f = e == null ? null : e.opened;
            if (e != null) {
                e.opened = null;
                trimExtra();
            }
        }
        if (f != null) {
            f.complete(this);
        }
    }

    void ended(DisconnectReason r) {
        reason = r;
        CompletableFuture<MessageConnection> open;
        CompletableFuture<DisconnectReason> end;
        synchronized (outbox) {
            state = State.CLOSED;
            outbox.clear();
            wakeSenders();
            OnDemand e = extra;
            open = e == null ? null : e.opened;
            end = e == null ? null : e.closed;
            if (e != null) {
                e.opened = null;
                e.closed = null;
            }
        }
        if (inbox != null) {
            synchronized (inbox) {
                inbox.detach();
                Waiters.wakeAll(inbox.waiters);
            }
        }
        if (open != null) {
            open.complete(this);
        }
        if (end != null) {
            end.complete(r);
        }
    }
}
