package io.udpnet.engine;

/**
 * Smoothed round-trip time and its variance from acknowledged datagrams, as in RFC 6298 and RFC 9002 section 5:
 * the first sample sets srtt = r and rttvar = r / 2; later ones move srtt by 1/8 and rttvar by 1/4 of the error.
 * The peer's reported ack delay is subtracted when that does not take the sample below the minimum seen.
 */
final class RttEstimator {
    /** Timer granularity floor for the variance term of time-outs (1 ms). */
    static final long GRANULARITY_NANOS = 1_000_000L;

    private long smoothed;
    private long variance;
    private long min = Long.MAX_VALUE;
    private long latest;
    private boolean sampled;

    RttEstimator(long initialRttNanos) {
        this.smoothed = initialRttNanos;
        this.variance = initialRttNanos / 2;
    }

    /** Adds a sample: {@code rtt} from send to ack, of which {@code ackDelay} was spent waiting at the peer. */
    void update(long rtt, long ackDelay) {
        if (rtt <= 0) {
            rtt = 1;
        }
        latest = rtt;
        min = Math.min(min, rtt);
        long adjusted = rtt - ackDelay >= min ? rtt - ackDelay : rtt;
        if (!sampled) {
            sampled = true;
            smoothed = adjusted;
            variance = adjusted / 2;
            return;
        }
        variance = (3 * variance + Math.abs(smoothed - adjusted)) / 4;
        smoothed = (7 * smoothed + adjusted) / 8;
    }

    /** Smoothed round-trip time in nanoseconds (the initial guess until a sample arrives). */
    public long smoothedNanos() {
        return smoothed;
    }

    /** Round-trip time variance in nanoseconds. */
    public long varianceNanos() {
        return variance;
    }

    /** Smallest sample seen, or 0 before the first one. */
    public long minNanos() {
        return sampled ? min : 0;
    }

    /** Most recent sample, or 0 before the first one. */
    public long latestNanos() {
        return latest;
    }

    /** Whether at least one sample was taken. */
    public boolean hasSample() {
        return sampled;
    }

    /** Probe time-out before back-off: srtt + max(4 rttvar, 1 ms) + the peer's maximum ack delay. */
    long probeTimeoutNanos(long maxAckDelayNanos) {
        return smoothed + Math.max(4 * variance, GRANULARITY_NANOS) + maxAckDelayNanos;
    }

    /** The round trip that the time threshold of loss detection is a multiple of: max(srtt, latest sample). */
    long lossReferenceNanos() {
        return Math.max(smoothed, latest);
    }

    /**
     * Floor of the loss time threshold: max(srtt + 4 rttvar, 1 ms). On a path whose samples vary a lot, a multiple
     * of the smoothed RTT alone would declare datagrams lost that are merely slow.
     */
    long lossFloorNanos() {
        return Math.max(GRANULARITY_NANOS, smoothed + 4 * variance);
    }
}
