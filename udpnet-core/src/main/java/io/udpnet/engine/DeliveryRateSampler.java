package io.udpnet.engine;

/**
 * Delivery-rate samples in the manner of the IETF delivery-rate-estimation draft (Cheng, Cardwell et al.): each
 * datagram carries a snapshot, taken when it is sent, of how many bytes had been delivered and when; when it is
 * acknowledged, the bytes delivered since that snapshot divided by the longer of the send and ack intervals is
 * a sample of the rate the path delivered. Taking the longer interval keeps ack compression from inflating it.
 *
 * <p>Samples taken while the sender had too little to send are marked app-limited: they show what the
 * application offered, not what the path can carry. Per-datagram state lives in one array indexed by the sequence's low
 * bits, which grows by doubling to what the datagrams in flight need (at most 1024 slots) and shrinks back when the
 * connection is idle ({@link #trim}); in steady flow nothing is allocated.
 */
final class DeliveryRateSampler {
    static final int CAPACITY = SentLog.CAPACITY;
    private static final int MIN_CAPACITY = 1;
    /** Longs per datagram: sequence and flags, send time, delivered count, its time, first send time. */
    private static final int STRIDE = 5;
    private static final long EMPTY = -1;
    private static final long APP_LIMITED = 1L << 16;
    private static final long MARK = 1L << 17;

    // Per datagram, as it was when sent, at STRIDE * (seq & (capacity - 1)). The array starts small and doubles when
    // a datagram finds its slot taken by one that 1024 slots would keep apart, up to 1024 slots: the datagrams
    // tracked are always exactly those a fixed table of 1024 slots would track.
    private int capacity = MIN_CAPACITY;
    private long[] snap = emptySlots(MIN_CAPACITY);
    /** What an idle sampler holds instead of an array of its own: one empty slot, shared and never written. */
    private static final long[] TRIMMED = emptySlots(MIN_CAPACITY);

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
    }

    private static long[] emptySlots(int slots) {
        long[] a = new long[STRIDE * slots];
        for (int i = 0; i < a.length; i += STRIDE) {
            a[i] = EMPTY;
        }
        return a;
    }

    /** Whether slot {@code i} holds datagram {@code seq}. */
    private boolean holds(int i, int seq) {
        return snap[STRIDE * i] != EMPTY && ((int) snap[STRIDE * i] & 0xFFFF) == seq;
    }

    /** Records the snapshot of a datagram being sent; {@code inFlightBefore} excludes it. */
    void onSent(int seq, long inFlightBefore, long now) {
        onSent(seq, inFlightBefore, now, false);
    }

    /**
     * {@link #onSent(int, long, long)}, keeping {@code mark} with the snapshot for the caller: {@link #onLost} returns
     * it (BBR marks the datagrams sent while probing for bandwidth).
     */
    void onSent(int seq, long inFlightBefore, long now, boolean mark) {
        if (inFlightBefore == 0) {
            // Nothing in flight: the next interval starts now, not when the last ack came in.
            firstSentTime = now;
            deliveredTime = now;
        }
        if (snap == TRIMMED) {
            snap = emptySlots(MIN_CAPACITY);
        }
        int slot = seq & (capacity - 1);
        while (snap[STRIDE * slot] != EMPTY && ((snap[STRIDE * slot] ^ seq) & (CAPACITY - 1)) != 0) {
            grow();
            slot = seq & (capacity - 1);
        }
        int at = STRIDE * slot;
        snap[at] = seq | (appLimitedUntil != 0 ? APP_LIMITED : 0) | (mark ? MARK : 0);
        snap[at + 1] = now;
        snap[at + 2] = delivered;
        snap[at + 3] = deliveredTime;
        snap[at + 4] = firstSentTime;
    }

    /** Counts a datagram as delivered and folds its snapshot into the pending sample. */
    void onAcked(int seq, int bytes, long now) {
        int slot = seq & (capacity - 1);
        if (!holds(slot, seq)) {
            return;
        }
        int at = STRIDE * slot;
        long deliveredAtSend = snap[at + 2];
        delivered += bytes;
        deliveredTime = now;
        // The most recently sent datagram acked gives the sample: its snapshot spans the freshest interval.
        if (!pending || deliveredAtSend >= priorDelivered) {
            pending = true;
            priorDelivered = deliveredAtSend;
            sampleAppLimited = (snap[at] & APP_LIMITED) != 0;
            sendElapsed = snap[at + 1] - snap[at + 4];
            ackElapsed = now - snap[at + 3];
            newestSentTime = snap[at + 1];
            firstSentTime = snap[at + 1];
        }
        snap[at] = EMPTY;
    }

    /** Forgets a datagram declared lost, whose bytes count as lost; returns the mark it was sent with. */
    boolean onLost(int seq, int bytes) {
        int slot = seq & (capacity - 1);
        boolean mark = false;
        if (holds(slot, seq)) {
            mark = (snap[STRIDE * slot] & MARK) != 0;
            snap[STRIDE * slot] = EMPTY;
        }
        lost += bytes;
        return mark;
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
        long[] b = emptySlots(bigger);
        for (int i = 0; i < capacity; i++) {
            if (snap[STRIDE * i] != EMPTY) {
                int j = (int) snap[STRIDE * i] & (bigger - 1);
                System.arraycopy(snap, STRIDE * i, b, STRIDE * j, STRIDE);
            }
        }
        snap = b;
        capacity = bigger;
    }

    /**
     * Goes back to the smallest array. Only when the connection has nothing in flight: the snapshots still held then
     * belong to datagrams that were acknowledged or declared lost without this sampler being told (a lost path MTU
     * probe, say), and no call will ever read them, so the samples and counters stay exactly as they would have been.
     */
    void trim() {
        // The shared empty slot until the next send: only onSent writes to a slot that holds no datagram.
        capacity = MIN_CAPACITY;
        snap = TRIMMED;
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
