package io.udpnet.engine;

/**
 * A count of bytes held against a limit: per connection, one for messages waiting to be sent or acknowledged and one
 * for reassembly and reorder buffers. A budget may have a parent, shared by many budgets on the same thread (all
 * the connections of one server endpoint): bytes taken count against both, and there is room only if both have it.
 * An endpoint's own budget may draw on a pool shared across threads ({@link Leased}).
 */
class ByteBudget {
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

    /**
     * Whether {@code n} more bytes may be taken for buffers kept for reuse ({@link BufferPool}): as {@link #canTake}
     * here, and the shared levels above must stay at most half full after it, so that what one connection keeps for
     * its next message never takes the room another connection's data needs.
     */
    boolean canKeep(long n) {
        return used + n <= limit && (parent == null || parent.halfFreeAfter(n));
    }

    boolean halfFreeAfter(long n) {
        return used + n <= limit / 2 && (parent == null || parent.halfFreeAfter(n));
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

    /**
     * An endpoint's budget whose limit is a {@link MemoryPool} that the server's endpoints share: room is leased from
     * the pool in chunks and given back when no longer needed, so packets only touch this thread's counts. A subclass
     * so that the connections' own budgets keep their three fields.
     */
    static final class Leased extends ByteBudget {
        private final MemoryPool pool;
        /** Bytes leased from the pool; {@link #used()} stays at or below it except when a take is forced. */
        private long leased;

        Leased(MemoryPool pool) {
            super(Long.MAX_VALUE, null);
            this.pool = pool;
        }

        @Override
        boolean canTake(long n) {
            long want = used() + n - leased;
            if (want <= 0) {
                return true;
            }
            long got = pool.lease(want);
            leased += got;
            return got > 0;
        }

        @Override
        boolean halfFreeAfter(long n) {
            return pool.leased() + n <= pool.limit() / 2;
        }

        @Override
        void take(long n) {
            super.take(n);
            if (used() > leased) {
                pool.force(used() - leased);
                leased = used();
            }
        }

        @Override
        void give(long n) {
            super.give(n);
            if (leased - used() > 2 * pool.chunk()) {
                long back = leased - used() - pool.chunk();
                pool.release(back);
                leased -= back;
            }
        }
    }
}
