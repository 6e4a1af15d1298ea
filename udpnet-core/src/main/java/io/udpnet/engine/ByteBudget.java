package io.udpnet.engine;

/**
 * A count of bytes held against a limit: per connection, one for messages waiting to be sent or acknowledged and one
 * for reassembly and reorder buffers. A budget may have a parent, shared by many budgets on the same thread (all
 * the connections of one server endpoint): bytes taken count against both, and there is room only if both have it.
 */
final class ByteBudget {
    private final long limit;
    private final ByteBudget parent;
    private long used;

    ByteBudget(long limit) {
        this(limit, null);
    }

    ByteBudget(long limit, ByteBudget parent) {
        this.limit = limit;
        this.parent = parent;
    }

    boolean canTake(long n) {
        return used + n <= limit && (parent == null || parent.canTake(n));
    }

    /** Takes {@code n} bytes, over the limit if the caller must (see {@link ReliableReceiver}). */
    void take(long n) {
        used += n;
        if (parent != null) {
            parent.take(n);
        }
    }

    void give(long n) {
        used -= n;
        if (parent != null) {
            parent.give(n);
        }
    }

    long used() {
        return used;
    }
}
