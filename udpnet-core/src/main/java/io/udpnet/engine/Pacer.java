package io.udpnet.engine;

/**
 * Spreads datagrams out at a rate, keeping a release time: each datagram sent pushes the next release later by
 * its size divided by the rate. Credit for time spent idle is capped at a small burst allowance, so after a pause
 * at most that many bytes (plus one datagram) leave back to back; over any interval {@code T} no more than
 * {@code burst + rate * T} bytes plus one datagram are released.
 */
final class Pacer {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

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

    /** A datagram of {@code bytes} was sent at {@code now}. */
    void onSent(int bytes, long now) {
        long credit = nanosFor(burstBytes);
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
