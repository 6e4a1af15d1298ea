package io.udpnet.sim;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes of a simulation, by address and in the order they were added, and the rule that decides when each
 * node's deadline is served. The addition order is the tie-break between nodes due at the same instant.
 */
final class NodeTable {

    /** A registered node and the bookkeeping kept about it. */
    static final class Entry {
        final InetSocketAddress address;
        final SimNode node;
        final DatagramOutbox outbox;
        /** Instant of the last poll; a deadline not after it is overdue and waits for the clock to move. */
        long lastPollNanos = Long.MIN_VALUE;
        boolean removed;

        Entry(InetSocketAddress address, SimNode node, DatagramOutbox outbox) {
            this.address = address;
            this.node = node;
            this.outbox = outbox;
        }
    }

    private final Map<InetSocketAddress, Entry> byAddress = new HashMap<>();
    private final List<Entry> inOrder = new ArrayList<>();
    private long earliestDueNanos = Long.MAX_VALUE;

    /** Adds {@code entry}; the caller has checked that its address is free. */
    void add(Entry entry) {
        byAddress.put(entry.address, entry);
        inOrder.add(entry);
    }

    boolean contains(InetSocketAddress address) {
        return byAddress.containsKey(address);
    }

    /** The node at {@code address}, or {@code null}. */
    Entry get(InetSocketAddress address) {
        return byAddress.get(address);
    }

    /** Removes and marks the node at {@code address}; returns whether there was one. */
    boolean remove(InetSocketAddress address) {
        Entry entry = byAddress.remove(address);
        if (entry == null) {
            return false;
        }
        entry.removed = true;
        inOrder.remove(entry);
        return true;
    }

    /** The nodes in addition order, copied so that callers may add or remove nodes while going through them. */
    Entry[] snapshot() {
        return inOrder.toArray(new Entry[0]);
    }

    /**
     * The node whose deadline is to be served first, the earliest in addition order among ties, or {@code null} if
     * none is due before the clock moves. Its due time is then {@link #earliestDueNanos()}.
     */
    Entry earliestDue(long nowNanos) {
        Entry earliest = null;
        long earliestAt = Long.MAX_VALUE;
        for (Entry entry : inOrder) {
            long due = dueNanos(entry, nowNanos);
            if (due < earliestAt) {
                earliestAt = due;
                earliest = entry;
            }
        }
        earliestDueNanos = earliestAt;
        return earliest;
    }

    /** Due time of the node returned by the last {@link #earliestDue} call. */
    long earliestDueNanos() {
        return earliestDueNanos;
    }

    /** When the node's deadline should be served, or {@link Long#MAX_VALUE} for not before the clock moves. */
    private static long dueNanos(Entry entry, long nowNanos) {
        long deadline = entry.node.nextDeadline();
        if (deadline == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        if (deadline > entry.lastPollNanos) {
            return Math.max(deadline, nowNanos);
        }
        // Overdue although already polled at or after it: serving it again at the same instant could spin forever,
        // and inching the clock forward would crawl, so wait until the clock has moved past that poll.
        return nowNanos > entry.lastPollNanos ? nowNanos : Long.MAX_VALUE;
    }
}
