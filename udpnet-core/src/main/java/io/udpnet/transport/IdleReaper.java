package io.udpnet.transport;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes sessions that received nothing for the idle time-out. One timer thread scans all sessions at a quarter of
 * the time-out (between 5 ms and 1 s), so a session is evicted between 1 and 1.25 times the time-out after its
 * last datagram; an idle server wakes at most once per second.
 */
final class IdleReaper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.udpnet.transport");
    private final ScheduledExecutorService timer;

    private IdleReaper(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts a reaper, or returns null when idle eviction is disabled. */
    static IdleReaper start(Dispatcher dispatcher, Duration idleTimeout) {
        if (idleTimeout.isZero()) {
            return null;
        }
        long timeoutNanos = idleTimeout.toNanos();
        long period = Math.clamp(timeoutNanos / 4, 5_000_000L, 1_000_000_000L);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "udpnet-idle-reaper");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.scheduleAtFixedRate(() -> sweep(dispatcher, timeoutNanos), period, period, TimeUnit.NANOSECONDS);
        return new IdleReaper(timer);
    }

    private static void sweep(Dispatcher dispatcher, long timeoutNanos) {
        long now = System.nanoTime();
        for (DatagramSession s : dispatcher.sessions()) {
            try {
                if (now - s.lastReceiveNanos() >= timeoutNanos) {
                    s.closeWith(SessionCloseReason.IDLE_TIMEOUT, null);
                }
            } catch (RuntimeException e) {
                // A periodic task that throws is never run again: log and keep sweeping.
                LOG.log(System.Logger.Level.WARNING, "idle eviction failed for " + s.remoteAddress(), e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
