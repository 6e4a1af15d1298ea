package io.udpnet.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes that the endpoints of one server, each on its own thread, take from one limit. An endpoint does not touch
 * the shared counter for every packet: its {@link ByteBudget} leases room in chunks and gives back what it no longer
 * needs, so the limit holds for the whole server while the busy path stays on thread-local counts. At most about two
 * chunks per endpoint sit leased and unused.
 */
final class MemoryPool {
    private final long limit;
    private final long chunk;
    private final AtomicLong leased = new AtomicLong();

    MemoryPool(long limit) {
        this.limit = limit;
        this.chunk = Math.max(1024, Math.min(64 << 10, limit / 64));
    }

    long limit() {
        return limit;
    }

    long chunk() {
        return chunk;
    }

    /** Leases at least {@code n} bytes, a chunk if there is room for one; returns what was leased, or 0. */
    long lease(long n) {
        long want = Math.max(n, chunk);
        while (true) {
            long held = leased.get();
            long grant = held + want <= limit ? want : held + n <= limit ? n : 0;
            if (grant == 0) {
                return 0;
            }
            if (leased.compareAndSet(held, held + grant)) {
                return grant;
            }
        }
    }

    /** Leases {@code n} bytes even beyond the limit (the message a reliable channel waits for is always taken). */
    void force(long n) {
        leased.addAndGet(n);
    }

    void release(long n) {
        leased.addAndGet(-n);
    }

    /** Bytes leased by all endpoints: an upper bound of what they hold. */
    long leased() {
        return leased.get();
    }
}
