package io.udpnet.messaging;

import io.udpnet.io.IoLoop;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Connections whose application staged messages, waiting for their I/O thread to move them into the engine. A plain
 * deque under a lock, so that handing a connection over allocates nothing (a task per send would).
 */
final class DrainQueue {
    private final IoLoop loop;
    private final ArrayDeque<ConnectionDriver> requested = new ArrayDeque<>();
    private final ArrayDeque<ConnectionDriver> draining = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();

    DrainQueue(IoLoop loop) {
        this.loop = loop;
    }

    /**
     * Asks the loop to drain {@code c}. Any thread. Only the request that finds the queue empty wakes the loop: the
     * later ones are taken by the same {@link #run}, so a thread sending to many connections in a row costs the loop
     * one wake-up, not one per connection.
     */
    void request(ConnectionDriver c) {
        boolean first;
        lock.lock();
        try {
            first = requested.isEmpty();
            requested.addLast(c);
        } finally {
            lock.unlock();
        }
        if (first) {
            loop.wakeup();
        }
    }

    /** Drains every connection asked for so far. Loop thread. */
    void run() {
        lock.lock();
        try {
            if (requested.isEmpty()) {
                return;
            }
            draining.addAll(requested);
            requested.clear();
        } finally {
            lock.unlock();
        }
        ConnectionDriver c;
        while ((c = draining.pollFirst()) != null) {
            c.drain();
        }
    }
}
