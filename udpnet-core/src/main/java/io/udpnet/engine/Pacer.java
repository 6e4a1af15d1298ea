package io.udpnet.engine;

/**
 * Spreads datagrams out at a rate, keeping a release time: each datagram sent pushes the next release later by
 * its size divided by the rate. Credit for time spent idle is capped at a burst allowance, so after a pause at most
 * that many bytes (plus one datagram) leave back to back; over any interval {@code T} no more than
 * {@code burst + rate * T} bytes plus one datagram are released.
 *
 * <p>At rates of 16 MB/s and more (datagrams closer than about 75 microseconds), the allowance is one millisecond of
 * sending at the current rate (at most 64 KiB) when that is more than the configured burst. A thread woken by a
 * timer runs tens of microseconds late, more on a busy machine; with a fixed allowance of two datagrams the rate a
 * sender could reach would be two or three datagrams per wake-up, whatever the pacing rate. And at those rates,
 * when the pacer holds the sender back, it wakes it ({@link #wakeTime}) only once a train of datagrams is due (up to
 * {@value #TRAIN} datagrams, at most a millisecond's worth), which then leaves back to back: one wake-up and, on the
 * native I/O, one GSO call per train instead of one per datagram. Below that rate the pacer is the plain one.
 */
final class Pacer {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Largest allowance earned by rate: a GSO call's worth. */
    private static final long MAX_RATE_BURST = 65_536;
    /** A millisecond of sending at the lowest rate where the allowance and the trains grow with the rate. */
    private static final long MIN_RATE_BURST = 16_384;
    /** Most datagrams the pacer lets a sender wait for, to send them together. */
    static final int TRAIN = 16;

    private final long burstBytes;
    private long rate;
    private long nextRelease = Long.MIN_VALUE;

    /**
     * @param burstBytes  bytes that may go back to back after a pause
     * @param initialRate bytes per second, above 0
     */
    Pacer(long burstBytes, long initialRate) {
        this.burstBytes = burstBytes;
        setRate(initialRate);
    }

    /** Changes the rate from now on; datagrams already paced keep their release times. */
    void setRate(long bytesPerSecond) {
        this.rate = Math.max(1, bytesPerSecond);
    }

    long rate() {
        return rate;
    }

    /** The earliest time the next datagram may be sent: {@code now} or earlier means at once. */
    long nextSendTime() {
        return nextRelease;
    }

    /**
     * When a sender held back by the pacer should be woken: once a train of datagrams of {@code bytes} is due, not
     * the first of them. A sender that is awake anyway may still send from {@link #nextSendTime()} on.
     */
    long wakeTime(int bytes) {
        long perMilli = rate / 1000;
        // Never more than the allowance, so that the datagrams that became due while waiting keep their credit.
        long train = Math.min(Math.min(perMilli, MAX_RATE_BURST), (long) TRAIN * bytes);
        if (nextRelease == Long.MIN_VALUE || perMilli < MIN_RATE_BURST || train <= bytes) {
            return nextRelease;
        }
        return nextRelease + nanosFor(train - bytes);
    }

    /** Bytes that may leave back to back after a pause at the current rate. */
    long burst() {
        long perMilli = rate / 1000;
        return perMilli < MIN_RATE_BURST ? burstBytes : Math.max(burstBytes, Math.min(MAX_RATE_BURST, perMilli));
    }

    /** A datagram of {@code bytes} was sent at {@code now}. */
    void onSent(int bytes, long now) {
        long credit = nanosFor(burst());
        long base = now - credit;
        // Saved-up time counts only up to the burst allowance; an early send (allowed by the burst) draws on it.
        long start = nextRelease == Long.MIN_VALUE ? base : Math.max(nextRelease, base);
        nextRelease = start + nanosFor(bytes);
    }

    private long nanosFor(long bytes) {
        // bytes * 1e9 overflows only above 9 GB; clamp rather than wrap.
        if (bytes > Long.MAX_VALUE / NANOS_PER_SECOND) {
            return Long.MAX_VALUE / 4;
        }
        // Rounded up, so that the rate is never exceeded, not even by a nanosecond per datagram.
        return (bytes * NANOS_PER_SECOND + rate - 1) / rate;
    }
}
