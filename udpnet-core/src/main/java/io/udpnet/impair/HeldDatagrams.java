package io.udpnet.impair;

import io.udpnet.impair.DatagramPool;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The relay's timer structure: datagram copies waiting for their delay, earliest first (ties in arrival order, so a
 * perfect link keeps the order). Bounded by the memory the held arrays occupy; a copy beyond the bound is dropped
 * and counted for its direction. Owned by the relay's thread.
 */
final class HeldDatagrams {
    private static final Comparator<Held> DUE_ORDER =
            Comparator.comparingLong(Held::atNanos).thenComparingLong(Held::sequence);

    /** A datagram copy waiting until {@code atNanos} to leave along {@code leg}; its array is pooled. */
    record Held(long atNanos, long sequence, RelayClient.Leg leg, byte[] data, int length) {
    }

    private final PriorityQueue<Held> queue = new PriorityQueue<>(DUE_ORDER);
    private final DatagramPool pool;
    private final long maxBytes;
    private final long[] dropped = new long[2];
    private long bytes;
    private long sequence;

    HeldDatagrams(DatagramPool pool, long maxBytes) {
        this.pool = pool;
        this.maxBytes = maxBytes;
    }

    /** Holds {@code data} (a pooled array, now owned here) until {@code atNanos}, or drops it over the bound. */
    void add(RelayClient.Leg leg, long atNanos, byte[] data, int length) {
        if (bytes + data.length > maxBytes) {
            pool.release(data);
            dropped[leg.direction]++;
            return;
        }
        queue.add(new Held(atNanos, sequence++, leg, data, length));
        bytes += data.length;
    }

    /** The earliest copy due at or before {@code nowNanos}, removed; null when none is due. */
    Held pollDue(long nowNanos) {
        Held h = queue.peek();
        if (h == null || h.atNanos() > nowNanos) {
            return null;
        }
        queue.poll();
        bytes -= h.data().length;
        return h;
    }

    /** When the earliest copy is due, or {@link Long#MAX_VALUE} when nothing is held. */
    long nextDueNanos() {
        Held h = queue.peek();
        return h == null ? Long.MAX_VALUE : h.atNanos();
    }

    /** Gives back the array of a copy taken with {@link #pollDue} once it was sent. */
    void release(Held h) {
        pool.release(h.data());
    }

    int size() {
        return queue.size();
    }

    long bytes() {
        return bytes;
    }

    long dropped(int direction) {
        return dropped[direction];
    }

    void clear() {
        queue.clear();
        bytes = 0;
    }
}
