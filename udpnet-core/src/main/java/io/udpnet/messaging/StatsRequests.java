package io.udpnet.messaging;

import io.udpnet.engine.ConnectionStats;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How an application thread gets a {@link MessageConnection}'s statistics from its I/O thread, which alone may read
 * the engine: the snapshot last published (asking for a fresh one for next time), the first one waited for, or a
 * future of one taken after the call. Stateless; what it keeps lives in the connection's on-demand part.
 */
final class StatsRequests {
    /** How long the first {@link MessageConnection#stats()} call waits for the I/O thread's snapshot at most. */
    private static final long FIRST_STATS_NANOS = 5_000_000_000L;
    private static final long STATS_SLICE_NANOS = 20_000_000L;

    private StatsRequests() {
    }

    /** {@link MessageConnection#stats()}: the last snapshot, a fresh one asked for the next call. */
    static ConnectionStats latest(MessageConnection c) {
        ConnectionDriver driver = c.driver();
        if (driver.loop().inLoop()) {
            driver.publishStats();
            return c.lastStats();
        }
        ConnectionStats s = c.lastStats();
        if (s == null && c.state() != MessageConnection.State.CLOSED) {
            return first(c);
        }
        if (c.askRefresh()) {
            driver.loop().execute(() -> {
                driver.publishStats();
                c.refreshed();
            });
        }
        return s;
    }

    /**
     * Waits for the I/O thread's first snapshot, in short slices so that a loop that stopped (and so runs no more
     * tasks) ends the wait, without leaving anything on the connection for later.
     */
    private static ConnectionStats first(MessageConnection c) {
        ConnectionDriver driver = c.driver();
        CompletableFuture<ConnectionStats> f = new CompletableFuture<>();
        driver.loop().execute(() -> {
            driver.publishStats();
            f.complete(c.lastStats());
        });
        long deadline = System.nanoTime() + FIRST_STATS_NANOS;
        try {
            while (c.state() != MessageConnection.State.CLOSED && !driver.loop().isStopped()
                    && System.nanoTime() - deadline < 0) {
                try {
                    return f.get(STATS_SLICE_NANOS, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // again, unless the connection or its loop ended meanwhile
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());   // the task completes normally only
        }
        return c.lastStats();
    }

    /** {@link MessageConnection#statsAsync()}: a snapshot taken after the call, or the final one. */
    static CompletableFuture<ConnectionStats> fresh(MessageConnection c) {
        CompletableFuture<ConnectionStats> f = new CompletableFuture<>();
        if (c.state() == MessageConnection.State.CLOSED) {
            f.complete(c.lastStats());
        } else {
            ConnectionDriver driver = c.driver();
            driver.loop().execute(() -> {
                driver.publishStats();
                f.complete(c.lastStats());
            });
            // A loop that stopped runs no task: the connection ended, and its final snapshot stands.
            c.closedFuture().thenRun(() -> f.complete(c.lastStats()));
        }
        return f;
    }
}
