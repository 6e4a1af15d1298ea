package io.udpnet.bench;

import org.HdrHistogram.Histogram;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Ping-pong on a fixed schedule, free of coordinated omission: ping {@code i} is due at {@code start + i * interval}
 * and carries its number (bytes 0..7) and that due time (bytes 8..15); the round trip is counted from the due time,
 * not from when the ping actually left. A sender held up (by back-pressure, a pause, a slow previous round trip)
 * therefore shows the delay in the figures instead of hiding it by sending later. Pings do not wait for pongs: more
 * than one may be in flight.
 *
 * <p>The peer's sending thread runs {@link #run}; the one thread that takes pongs calls {@link #onPong}.
 */
public final class PingSchedule {
    /** Bytes at the start of a ping: its number and its due time ({@code System.nanoTime()}). */
    public static final int HEADER = 16;
    /** Parking overshoots by tens of microseconds: the last stretch before a due time is spun instead. */
    private static final long SPIN_NANOS = 60_000;

    private final int count;
    private final long intervalNanos;
    private final Histogram histogram;
    private final AtomicLong received = new AtomicLong();
    private final CountDownLatch done = new CountDownLatch(1);

    /** Sends one ping; waits itself on back-pressure (the wait counts in the round trip). */
    public interface Sender {
        /** Sends ping {@code number}, due at {@code dueNanos}. */
        void send(long number, long dueNanos) throws Exception;
    }

    /**
     * @param sent     pings sent
     * @param received pongs received within the wait after the last ping
     */
    public record Result(long sent, long received) {
    }

    /**
     * @param count         pings to send
     * @param intervalNanos time between due times
     * @param histogram     where round trips go, in nanoseconds; null during warm-up
     */
    PingSchedule(int count, long intervalNanos, Histogram histogram) {
        this.count = count;
        this.intervalNanos = intervalNanos;
        this.histogram = histogram;
    }

    int count() {
        return count;
    }

    /**
     * Sends every ping at its due time, then waits up to {@code waitNanos} for the pongs still missing.
     */
    public Result run(Sender sender, long waitNanos) throws Exception {
        long start = System.nanoTime() + 1_000_000;
        for (int i = 0; i < count; i++) {
            long due = start + i * intervalNanos;
            waitUntil(due);
            sender.send(i, due);
        }
        done.await(waitNanos, TimeUnit.NANOSECONDS);
        return new Result(count, received.get());
    }

    /** Records the round trip of the pong whose due time is {@code dueNanos}; on the pong-taking thread only. */
    public void onPong(long dueNanos) {
        long now = System.nanoTime();
        if (histogram != null) {
            histogram.recordValue(Math.max(0, now - dueNanos));
        }
        if (received.incrementAndGet() == count) {
            done.countDown();
        }
    }

    private static void waitUntil(long due) {
        long left;
        while ((left = due - System.nanoTime()) > SPIN_NANOS) {
            LockSupport.parkNanos(left - SPIN_NANOS);
        }
        while (System.nanoTime() < due) {
            Thread.onSpinWait();
        }
    }
}
