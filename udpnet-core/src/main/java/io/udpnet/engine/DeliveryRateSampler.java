package io.udpnet.engine;

/**
 * Delivery-rate samples in the manner of the IETF delivery-rate-estimation draft (Cheng, Cardwell et al.): each
 * datagram carries a snapshot, taken when it is sent, of how many bytes had been delivered and when; when it is
 * acknowledged, the bytes delivered since that snapshot divided by the longer of the send and ack intervals is
 * a sample of the rate the path delivered. Taking the longer interval keeps ack compression from inflating it.
 *
 * <p>Samples taken while the sender had too little to send are marked app-limited: they show what the
 * application offered, not what the path can carry. Per-datagram state lives in arrays indexed by
 * {@code seq & 1023}; nothing is allocated after construction.
 */
final class DeliveryRateSampler {
    static final int CAPACITY = SentLog.CAPACITY;
    private static final int MASK = CAPACITY - 1;
    private static final int EMPTY = -1;

    // Per datagram, as it was when sent.
    private final int[] seqs = new int[CAPACITY];
    private final long[] sentTime = new long[CAPACITY];
    private final long[] deliveredAtSend = new long[CAPACITY];
    private final long[] deliveredTimeAtSend = new long[CAPACITY];
    private final long[] firstSentTimeAtSend = new long[CAPACITY];
    private final boolean[] appLimitedAtSend = new boolean[CAPACITY];

    // Connection-wide counters.
    private long delivered;
    private long deliveredTime;
    private long firstSentTime;
    private long lost;
    /** While non-zero, the delivered count at which the current app-limited stretch ends. */
    private long appLimitedUntil;

    // The sample being assembled from the datagrams one ack covers.
    private boolean pending;
    private long priorDelivered;
    private long sendElapsed;
    private long ackElapsed;
    private boolean sampleAppLimited;
    private long newestSentTime;

    // The latest completed sample.
    private long rate;
    private long sampleDelivered;
    private long sampleInterval;
    private boolean sampleIsAppLimited;
    private long rttSample;

    DeliveryRateSampler() {
        java.util.Arrays.fill(seqs, EMPTY);
    }

    /** Records the snapshot of a datagram being sent; {@code inFlightBefore} excludes it. */
    void onSent(int seq, long inFlightBefore, long now) {
        if (inFlightBefore == 0) {
            // Nothing in flight: the next interval starts now, not when the last ack came in.
            firstSentTime = now;
            deliveredTime = now;
        }
        int slot = seq & MASK;
        seqs[slot] = seq;
        sentTime[slot] = now;
        deliveredAtSend[slot] = delivered;
        deliveredTimeAtSend[slot] = deliveredTime;
        firstSentTimeAtSend[slot] = firstSentTime;
        appLimitedAtSend[slot] = appLimitedUntil != 0;
    }

    /** Counts a datagram as delivered and folds its snapshot into the pending sample. */
    void onAcked(int seq, int bytes, long now) {
        int slot = seq & MASK;
        if (seqs[slot] != seq) {
            return;
        }
        seqs[slot] = EMPTY;
        delivered += bytes;
        deliveredTime = now;
        // The most recently sent datagram acked gives the sample: its snapshot spans the freshest interval.
        if (!pending || deliveredAtSend[slot] >= priorDelivered) {
            pending = true;
            priorDelivered = deliveredAtSend[slot];
            sampleAppLimited = appLimitedAtSend[slot];
            sendElapsed = sentTime[slot] - firstSentTimeAtSend[slot];
            ackElapsed = now - deliveredTimeAtSend[slot];
            newestSentTime = sentTime[slot];
            firstSentTime = sentTime[slot];
        }
    }

    /** Forgets a datagram declared lost; its bytes count as lost. */
    void onLost(int seq, int bytes) {
        int slot = seq & MASK;
        if (seqs[slot] == seq) {
            seqs[slot] = EMPTY;
        }
        lost += bytes;
    }

    /**
     * Completes the sample of one ack. Returns false when the ack acknowledged nothing still tracked (no RTT or
     * rate sample then). A rate sample is valid ({@link #rate()} above 0) only when its interval is at least
     * {@code minRtt}: shorter ones measure a burst, not the path.
     */
    boolean finishAck(long minRtt, long now) {
        if (appLimitedUntil != 0 && delivered > appLimitedUntil) {
            appLimitedUntil = 0;
        }
        if (!pending) {
            return false;
        }
        pending = false;
        rttSample = now - newestSentTime;
        sampleDelivered = delivered - priorDelivered;
        sampleInterval = Math.max(sendElapsed, ackElapsed);
        sampleIsAppLimited = sampleAppLimited;
        rate = sampleInterval <= 0 || sampleInterval < minRtt ? 0
                : sampleDelivered * 1_000_000_000L / sampleInterval;
        return true;
    }

    /** The application has less to send than allowed: samples until what is in flight is delivered are app-limited. */
    void onAppLimited(long bytesInFlight) {
        appLimitedUntil = Math.max(delivered + bytesInFlight, 1);
    }

    /** Bytes per second of the latest sample, or 0 when it was not valid. */
    long rate() {
        return rate;
    }

    /** Whether the latest sample was taken while app-limited. */
    boolean sampleAppLimited() {
        return sampleIsAppLimited;
    }

    /** Bytes delivered in the latest sample's interval. */
    long sampleDelivered() {
        return sampleDelivered;
    }

    /** Length of the latest sample's interval in nanoseconds. */
    long sampleInterval() {
        return sampleInterval;
    }

    /** The delivered count when the newest datagram of the latest ack was sent (for counting round trips). */
    long priorDelivered() {
        return priorDelivered;
    }

    /** Round-trip time of the newest datagram the latest ack covered. */
    long rttSample() {
        return rttSample;
    }

    /** Total bytes acknowledged. */
    long delivered() {
        return delivered;
    }

    /** Total bytes declared lost. */
    long lost() {
        return lost;
    }

    boolean appLimited() {
        return appLimitedUntil != 0;
    }
}
