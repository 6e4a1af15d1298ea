package io.udpnet.sim;

import io.udpnet.impair.Link;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The simulation's pending events, in time order; events at the same instant come out in the order they were
 * added, which is what makes a run reproducible.
 */
final class EventQueue {

    /** Something that happens at a virtual instant. */
    abstract static sealed class Event permits Delivery, Action {
        final long timeNanos;
        final long sequence;

        Event(long timeNanos, long sequence) {
            this.timeNanos = timeNanos;
            this.sequence = sequence;
        }
    }

    /** A datagram copy reaching the end of its link. Its array is pooled and must be released once handled. */
    static final class Delivery extends Event {
        final Link link;
        final byte[] data;
        final int length;

        Delivery(long timeNanos, long sequence, Link link, byte[] data, int length) {
            super(timeNanos, sequence);
            this.link = link;
            this.data = data;
            this.length = length;
        }
    }

    /** A user action scheduled with {@link Simulation#schedule}. */
    static final class Action extends Event {
        final Runnable action;

        Action(long timeNanos, long sequence, Runnable action) {
            super(timeNanos, sequence);
            this.action = action;
        }
    }

    private static final Comparator<Event> ORDER =
            Comparator.<Event>comparingLong(e -> e.timeNanos).thenComparingLong(e -> e.sequence);

    private final PriorityQueue<Event> queue = new PriorityQueue<>(ORDER);
    private long nextSequence;

    void addDelivery(long timeNanos, Link link, byte[] data, int length) {
        queue.add(new Delivery(timeNanos, nextSequence++, link, data, length));
    }

    void addAction(long timeNanos, Runnable action) {
        queue.add(new Action(timeNanos, nextSequence++, action));
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Time of the earliest event; only meaningful when not {@linkplain #isEmpty() empty}. */
    long peekTime() {
        return queue.element().timeNanos;
    }

    Event poll() {
        return queue.poll();
    }

    int size() {
        return queue.size();
    }
}
