package io.udpnet.transport;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO whose {@link #close()} wakes every waiting taker. A lock rather than {@code synchronized}, so that
 * virtual threads waiting here never pin their carrier on Java 21.
 */
final class ClosableQueue<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<T> items;
    private final int capacity;
    private boolean closed;

    ClosableQueue(int capacity) {
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 64));
    }

    /**
     * The wait {@link #poll} takes for a caller's time-out: none for a negative one; one too long for a long of
     * nanoseconds is cut to about 292 years (a negative wait would mean for ever).
     */
    static long waitNanos(Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Adds an item; false when full or closed. */
    boolean offer(T item) {
        lock.lock();
        try {
            if (closed || items.size() >= capacity) {
                return false;
            }
            items.addLast(item);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean isFull() {
        lock.lock();
        try {
            return items.size() >= capacity;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the oldest item, waiting up to {@code nanos} (negative: forever). Returns null on time-out or when the
     * queue is closed and empty; {@link #isClosed()} tells which.
     */
    T poll(long nanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long remaining = nanos;
            while (items.isEmpty()) {
                if (closed) {
                    return null;
                }
                if (nanos < 0) {
                    notEmpty.await();
                } else {
                    if (remaining <= 0) {
                        return null;
                    }
                    remaining = notEmpty.awaitNanos(remaining);
                }
            }
            return items.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the queue, discards what it holds and wakes all takers. Returns what was discarded, oldest first. */
    ArrayDeque<T> close() {
        lock.lock();
        try {
            closed = true;
            ArrayDeque<T> left = new ArrayDeque<>(items);
            items.clear();
            notEmpty.signalAll();
            return left;
        } finally {
            lock.unlock();
        }
    }
}
