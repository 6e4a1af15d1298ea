package io.udpnet.bench;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;


/**
 * What every peer of {@code udpnet bench} is given.
 *
 * @param size bytes per message (the first 8 carry its sequence number)
 * @param idle how application threads wait when they have nothing to do or are held back: the same for every peer,
 *             and for Aeron's media driver too
 */
public record PeerSettings(int size, Idle idle) {
    /** Longest wait for anything that should happen: a connection, a drain, a reply, a thread ending. */
    public static final long TIMEOUT_NANOS = 30_000_000_000L;

    /** The idle strategies on offer (Agrona's, used by both peers' application threads and by Aeron's driver). */
    public enum Idle {
        /** {@code BackoffIdleStrategy} with Agrona's defaults: 10 spins, 5 yields, then parks of 1 µs doubling to 1 ms. */
        BACKOFF,
        /** {@code YieldingIdleStrategy}: {@code Thread.yield()} between attempts. */
        YIELDING,
        /** {@code SleepingIdleStrategy}: {@code parkNanos(1 µs)} between attempts (in practice the timer slack). */
        SLEEPING;

        IdleStrategy create() {
            return switch (this) {
                case BACKOFF -> new BackoffIdleStrategy(BackoffIdleStrategy.DEFAULT_MAX_SPINS,
                        BackoffIdleStrategy.DEFAULT_MAX_YIELDS, BackoffIdleStrategy.DEFAULT_MIN_PARK_PERIOD_NS,
                        BackoffIdleStrategy.DEFAULT_MAX_PARK_PERIOD_NS);
                case YIELDING -> new YieldingIdleStrategy();
                case SLEEPING -> new SleepingIdleStrategy();
            };
        }

        String describe() {
            return switch (this) {
                case BACKOFF -> "BackoffIdleStrategy(10 spins, 5 yields, park 1 us .. 1 ms)";
                case YIELDING -> "YieldingIdleStrategy";
                case SLEEPING -> "SleepingIdleStrategy(park 1 us)";
            };
        }
    }
}
