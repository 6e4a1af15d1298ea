package io.udpnet.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket that several threads may share without a lock (the generic cell rate algorithm): one atomic
 * number, the moment at which the bucket will be full again. A server's endpoints, one per I/O thread, share one so
 * that a rate documented for the server holds for the server, however many shards it has.
 */
final class RateLimiter {
    private static final long UNSET = Long.MIN_VALUE;

    private final long interval;
    private final long tolerance;
    private final AtomicLong fullAt = new AtomicLong(UNSET);

    /** {@code perSecond} tokens a second (0: none ever), up to {@code burst} at once. */
    RateLimiter(int perSecond, int burst) {
        this.interval = perSecond == 0 ? 0 : Math.max(1, 1_000_000_000L / perSecond);
        this.tolerance = perSecond == 0 ? -1 : interval * Math.max(1, burst);
    }

    /** A limiter with a burst of a tenth of the rate, at least 10, as the server's limits are documented. */
    static RateLimiter perSecond(int perSecond) {
        return new RateLimiter(perSecond, Math.max(10, perSecond / 10));
    }

    /** Takes a token at {@code now} (any monotonic clock, the same for every caller); false when there is none. */
    boolean tryTake(long now) {
        if (tolerance < 0) {
            return false;
        }
        while (true) {
            long t = fullAt.get();
            long next = (t == UNSET || t - now < 0 ? now : t) + interval;
            if (next - now > tolerance) {
                return false;
            }
            if (fullAt.compareAndSet(t, next)) {
                return true;
            }
        }
    }
}
