package io.udpnet.dtls;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bounded queue between a {@link DtlsClient}'s I/O thread, which decrypts, and the threads that call
 * {@code receive}: a full queue drops the datagram and counts it, and closing wakes every waiter. Thread-safe.
 */
final class PlaintextInbox {
    /** What {@link #take} returns once the inbox is closed. */
    static final int CLOSED = -2;

    private static final byte[] CLOSED_MARK = new byte[0];

    private final ArrayBlockingQueue<byte[]> queue;
    private final LongAdder dropped = new LongAdder();

    PlaintextInbox(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Queues a copy of {@code data} (position..limit), or drops and counts it when the queue is full. */
    void offer(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        if (!queue.offer(copy)) {
            dropped.increment();
        }
    }

    /** Discards what waits and wakes the waiters: every {@link #take} from now on returns {@link #CLOSED}. */
    void close() {
        queue.clear();
        queue.offer(CLOSED_MARK);
    }

    /**
     * Waits for the next datagram and copies it into {@code dst}; what does not fit is discarded.
     *
     * @param nanos the longest wait; negative waits for ever
     * @return its full length, -1 when none arrived in time, or {@link #CLOSED}
     */
    int take(ByteBuffer dst, long nanos) throws InterruptedIOException {
        byte[] d;
        try {
            d = nanos < 0 ? queue.take() : queue.poll(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a datagram");
        }
        if (d == null) {
            return -1;
        }
        if (d == CLOSED_MARK) {
            queue.offer(CLOSED_MARK); // wake the next waiter too
            return CLOSED;
        }
        dst.put(d, 0, Math.min(d.length, dst.remaining()));
        return d.length;
    }

    /** @return datagrams dropped because the queue was full */
    long dropped() {
        return dropped.sum();
    }
}
