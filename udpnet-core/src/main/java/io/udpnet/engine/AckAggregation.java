package io.udpnet.engine;

/**
 * How much more data acks report at once than the bandwidth estimate explains: the burstiness of acks, from a
 * receiver that acks every second datagram or waits up to its maximum ack delay, and from the scheduling of the
 * threads at either end. {@link BbrCongestionControl} adds it to its window, as BBR's "extra acked" does, so that
 * a sender whose window is a few datagrams (a path of microseconds, such as loopback) does not sit idle between
 * bursts of acks. The estimate is the largest excess seen over the last {@value #WINDOW_ROUNDS} to
 * {@code 2 x} {@value #WINDOW_ROUNDS} round trips.
 */
final class AckAggregation {
    static final int WINDOW_ROUNDS = 5;
    /** An epoch that has run this long without the acks falling behind the estimate is started again. */
    private static final long MAX_EPOCH_NANOS = 1_000_000_000L;

    private boolean started;
    private long epochStart;
    private long epochAcked;
    /** The largest excess of the current and the previous stretch of rounds; {@code current} says which is which. */
    private long extra0;
    private long extra1;
    private int current;
    private int rounds;

    /**
     * An ack reported {@code acked} bytes at {@code now}; {@code bandwidth} is the estimate (bytes per second),
     * {@code roundStart} whether a round trip began with it, {@code cwnd} the window, which bounds the excess.
     */
    void onAck(long acked, long bandwidth, boolean roundStart, long cwnd, long now) {
        if (roundStart && ++rounds >= WINDOW_ROUNDS) {
            rounds = 0;
            current ^= 1;
            if (current == 0) {
                extra0 = 0;
            } else {
                extra1 = 0;
            }
        }
        if (acked <= 0 || bandwidth <= 0) {
            return;
        }
        long elapsed = now - epochStart;
        long expected = started ? (long) (bandwidth * (elapsed / 1e9)) : 0;
        // Acks at or below the estimated rate, or an epoch grown old: start measuring the excess afresh.
        if (!started || epochAcked <= expected || elapsed > MAX_EPOCH_NANOS) {
            started = true;
            epochStart = now;
            epochAcked = 0;
            expected = 0;
        }
        epochAcked += acked;
        long excess = Math.min(epochAcked - expected, cwnd);
        if (current == 0 && excess > extra0) {
            extra0 = excess;
        } else if (current == 1 && excess > extra1) {
            extra1 = excess;
        }
    }

    /** The excess to allow for, in bytes. */
    long bytes() {
        return Math.max(extra0, extra1);
    }
}
