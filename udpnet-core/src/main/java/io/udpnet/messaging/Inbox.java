package io.udpnet.messaging;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;

/**
 * Received messages waiting for {@code MessageConnection.receive()}. It holds at most its limit plus what one
 * datagram completes: while it is {@linkplain #full() full} the I/O thread has the engine refuse the peer's messages
 * ({@code Connection.pauseReceiving}), and it is full too while a server's inboxes together hold the server's limit
 * ({@link InboxBudget}). Its queue is made with the first message and let go of when the connection goes idle
 * empty. Not thread-safe (guarded by its own monitor, see {@code MessageConnection}), except {@link #full()}.
 */
final class Inbox {
    private static final int INITIAL_BYTES = 4096;

    /** Null while empty and idle. */
    private RecordQueue queue;
    /** Receivers parked until a message arrives; null while none is. */
    Waiters waiters;
    private final int limit;
    private final InboxBudget shared;
    private boolean counted;
    private volatile int bytes;

    /** {@code shared}: the server-wide budget, or null (a client's connection). */
    Inbox(int limit, InboxBudget shared) {
        this.limit = limit;
        this.shared = shared;
        this.counted = shared != null;
    }

    void add(int channel, ByteBuffer buffer, int offset, int length) {
        if (queue == null) {
            queue = new RecordQueue(INITIAL_BYTES);
        }
        queue.add(channel, buffer, offset, length);
        recount();
    }

    /** The oldest message, copied out, or null when empty. */
    Message take() {
        if (isEmpty()) {
            return null;
        }
        Message m = new Message(queue.peekTag(), queue.peekCopy());
        queue.remove();
        recount();
        return m;
    }

    boolean isEmpty() {
        return queue == null || queue.isEmpty();
    }

    /** The connection went idle: an empty queue goes (the next message makes one again). */
    void releaseIfEmpty() {
        if (queue != null && queue.isEmpty()) {
            queue = null;
        }
    }

    /** Whether a queue is held, empty or not. */
    boolean queueHeld() {
        return queue != null;
    }

    /**
     * Whether this inbox holds its limit, or holds something while the server's inboxes together hold theirs; any
     * thread. An empty inbox always takes the next datagram: a datagram that fills a gap delivers every message held
     * behind it at once, so another connection can hold more than its share, and a reader that keeps up must still
     * get its messages rather than wait for a connection nobody reads.
     */
    boolean full() {
        int held = bytes;
        return held >= limit || (held > 0 && shared != null && shared.exhausted());
    }

    /**
     * The connection has ended: what is left is the application's to read, and no longer counts against the
     * server's limit.
     */
    void detach() {
        if (counted) {
            shared.add(-bytes);
            counted = false;
        }
    }

    private void recount() {
        int now = queue == null ? 0 : queue.bytes();
        if (counted) {
            shared.add(now - bytes);
        }
        bytes = now;
    }

    /**
     * {@link MessageConnection#receive}: takes the next message, waiting at most {@code nanos} (forever when negative)
     * for one; null if none came in time.
     *
     * @throws ConnectionClosedException when {@code c} is closed and every message was taken
     * @throws InterruptedIOException    when the thread is interrupted while waiting
     */
    Message await(MessageConnection c, long nanos) throws IOException {
        long deadline = System.nanoTime() + nanos;
        while (true) {
            long left = -1;
            synchronized (this) {
                if (!isEmpty()) {
                    return take();
                }
                if (c.state() == MessageConnection.State.CLOSED) {
                    throw new ConnectionClosedException(c.disconnectReason());
                }
                if (nanos >= 0 && (left = deadline - System.nanoTime()) <= 0) {
                    return null;
                }
                waiters = Waiters.add(waiters);
            }
            try {
                if (Waiters.park(c, left)) {
                    throw new InterruptedIOException("interrupted while waiting for a message");
                }
            } finally {
                synchronized (this) {
                    waiters = Waiters.remove(waiters);
                }
            }
        }
    }
}
