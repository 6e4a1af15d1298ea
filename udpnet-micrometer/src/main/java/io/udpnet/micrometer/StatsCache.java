package io.udpnet.micrometer;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The last snapshot of a server's counters, taken again only when older than the refresh interval. A scrape reads
 * dozens of meters; without the cache each would ask the server's I/O threads for a snapshot of its own.
 */
final class StatsCache<T> {
    private final Supplier<T> source;
    private final long maxAgeNanos;
    private T value;
    private long takenAt;

    StatsCache(Supplier<T> source, Duration maxAge) {
        this.source = source;
        this.maxAgeNanos = maxAge.toNanos();
    }

    synchronized T get() {
        long now = System.nanoTime();
        if (value == null || now - takenAt >= maxAgeNanos) {
            value = source.get();
            takenAt = now;
        }
        return value;
    }
}
