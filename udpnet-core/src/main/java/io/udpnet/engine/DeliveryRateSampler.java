package io.udpnet.engine;

/**
 * Delivery-rate samples in the manner of the IETF delivery-rate-estimation draft (Cheng, Cardwell et al.): each
 * datagram carries a snapshot, taken when it is sent, of how many bytes had been delivered and when; when it is
 * acknowledged, the bytes delivered since that snapshot divided by the longer of the send and ack intervals is
 * a sample of the rate the path delivered. Taking the longer interval keeps ack compression from inflating it.
 *
 * <p>Samples taken while the sender had too little to send are marked app-limited: they show what the
 * application offered, not what the path can carry. Per-datagram state lives in arrays indexed by the sequence's low
 * bits, which grow by doubling to what the datagrams in flight need (at most 1024 slots) and shrink back when the
 * connection is idle ({@link #trim}); in steady flow nothing is allocated.
 */
final class DeliveryRateSampler {
    static final int CAPACITY = SentLog.CAPACITY;
    private static final int MIN_CAPACITY = 2;
    private static final int EMPTY = -1;

    // Per datagram, as it was when sent, at seq & (capacity - 1). The arrays start small and double when a datagram
    // finds its slot taken by one that 1024 slots would keep apart, up to 1024 slots: the datagrams tracked are
    // always exactly those fixed arrays of 1024 slots would track.
    private int capacity = MIN_CAPACITY;
    private int[] seqs = new int[MIN_CAPACITY];
    private long[] sentTime = new long[MIN_CAPACITY];
    private long[] deliveredAtSend = new long[MIN_CAPACITY];
    private long[] deliveredTimeAtSend = new long[MIN_CAPACITY];
    private long[] firstSentTimeAtSend = new long[MIN_CAPACITY];
    private boolean[] appLimitedAtSend = new boolean[MIN_CAPACITY];

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
        int slot = seq & (capacity - 1);
        while (seqs[slot] != EMPTY && ((seqs[slot] ^ seq) & (CAPACITY - 1)) != 0) {
            grow();
            slot = seq & (capacity - 1);
        }
        seqs[slot] = seq;
        sentTime[slot] = now;
        deliveredAtSend[slot] = delivered;
        deliveredTimeAtSend[slot] = deliveredTime;
        firstSentTimeAtSend[slot] = firstSentTime;
        appLimitedAtSend[slot] = appLimitedUntil != 0;
    }

    /** Counts a datagram as delivered and folds its snapshot into the pending sample. */
    void onAcked(int seq, int bytes, long now) {
        int slot = seq & (capacity - 1);
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
        int slot = seq & (capacity - 1);
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

    private void grow() {
        int bigger = capacity * 2;
        int[] sq = new int[bigger];
        long[] st = new long[bigger];
        long[] da = new long[bigger];
        long[] dt = new long[bigger];
        long[] fs = new long[bigger];
        boolean[] al = new boolean[bigger];
        java.util.Arrays.fill(sq, EMPTY);
        for (int i = 0; i < capacity; i++) {
            if (seqs[i] != EMPTY) {
                int j = seqs[i] & (bigger - 1);
                sq[j] = seqs[i];
                st[j] = sentTime[i];
                da[j] = deliveredAtSend[i];
                dt[j] = deliveredTimeAtSend[i];
                fs[j] = firstSentTimeAtSend[i];
                al[j] = appLimitedAtSend[i];
            }
        }
        seqs = sq;
        sentTime = st;
        deliveredAtSend = da;
        deliveredTimeAtSend = dt;
        firstSentTimeAtSend = fs;
        appLimitedAtSend = al;
        capacity = bigger;
    }

    /**
     * Goes back to the smallest arrays. Only when the connection has nothing in flight: the snapshots still held then
     * belong to datagrams that were acknowledged or declared lost without this sampler being told (a lost path MTU
     * probe, say), and no call will ever read them, so the samples and counters stay exactly as they would have been.
     */
    void trim() {
        if (capacity > MIN_CAPACITY) {
            capacity = MIN_CAPACITY;
            seqs = new int[MIN_CAPACITY];
            sentTime = new long[MIN_CAPACITY];
            deliveredAtSend = new long[MIN_CAPACITY];
            deliveredTimeAtSend = new long[MIN_CAPACITY];
            firstSentTimeAtSend = new long[MIN_CAPACITY];
            appLimitedAtSend = new boolean[MIN_CAPACITY];
        }
        java.util.Arrays.fill(seqs, EMPTY);
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
