package io.udpnet.engine;

/**
 * A count of bytes held against a limit: per connection, one for messages waiting to be sent or acknowledged and one
 * for reassembly and reorder buffers. A budget may have a parent, shared by many budgets on the same thread (all
 * the connections of one server endpoint): bytes taken count against both, and there is room only if both have it.
 * An endpoint's budget may in turn draw on a {@link MemoryPool} that the server's endpoints share across threads.
 */
final class ByteBudget {
    private final long limit;
    private final ByteBudget parent;
    private final MemoryPool pool;
    private long used;
    /** Bytes leased from {@link #pool}; {@link #used} stays at or below it except when a take is forced. */
    private long leased;

    ByteBudget(long limit) {
        this(limit, null);
    }

    ByteBudget(long limit, ByteBudget parent) {
        this.limit = limit;
        this.parent = parent;
        this.pool = null;
    }

    /** An endpoint's budget whose limit is {@code pool}'s, shared with the server's other endpoints. */
    ByteBudget(MemoryPool pool) {
        this.limit = Long.MAX_VALUE;
        this.parent = null;
        this.pool = pool;
    }

    boolean canTake(long n) {
        if (used + n > limit || parent != null && !parent.canTake(n)) {
            return false;
        }
        if (pool == null || used + n <= leased) {
            return true;
        }
        long got = pool.lease(used + n - leased);
        leased += got;
        return got > 0;
    }

    /** Takes {@code n} bytes, over the limit if the caller must (see {@link ReliableReceiver}). */
    void take(long n) {
        used += n;
        if (parent != null) {
            parent.take(n);
        }
        if (pool != null && used > leased) {
            pool.force(used - leased);
            leased = used;
        }
    }

    void give(long n) {
        used -= n;
        if (parent != null) {
            parent.give(n);
        }
        if (pool != null && leased - used > 2 * pool.chunk()) {
            long back = leased - used - pool.chunk();
            pool.release(back);
            leased -= back;
        }
    }

    long used() {
        return used;
    }
}
