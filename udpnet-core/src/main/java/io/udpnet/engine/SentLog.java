package io.udpnet.engine;

import io.udpnet.wire.Seq;


/**
 * Send side of the ack system: a record per ack-eliciting datagram in flight (when it was sent and which reliable
 * packets it carried), acknowledgement processing, and loss detection in the manner of RFC 9002: a datagram is
 * lost when one sent at least {@code packetThreshold} sequences later is acknowledged, or when a later one is
 * acknowledged and it has been outstanding for {@code timeThreshold} round trips. A probe time-out covers the tail,
 * when nothing later is ever acknowledged.
 *
 * <p>A record declared lost stays as a tombstone while an ack may still name it (up to 64 sequences behind the
 * newest ack). If it is acknowledged after all, the loss was spurious (reordering, not loss): its packets are
 * reported acknowledged, which cancels their pending retransmission, and both thresholds are raised so that the
 * same reordering is tolerated from then on, as RFC 9002 section 6.1 allows.
 *
 * <p>Reliable packets are identified by "entries": a long chosen by the channel layer. All state lives in
 * arrays that grow by doubling up to what the records alive need and are then reused, and go back to their smallest
 * size when the connection is idle ({@link #trim}).
 *
 * <p>Long because RFC 9002's loss rules (packet and time thresholds, probe time-outs, late acks of datagrams declared
 * lost) all act on the one record ring they document here.
 */
final class SentLog {
    static final int CAPACITY = 1024;
    static final int INITIAL_PACKET_THRESHOLD = 3;
    static final int MAX_PACKET_THRESHOLD = 256;
    /** Time threshold in eighths of a round trip: starts at 9/8 (RFC 9002), doubles on spurious loss up to 4. */
    static final int INITIAL_TIME_EIGHTHS = 9;
    static final int MAX_TIME_EIGHTHS = 32;
    /** An ack names at most this many sequences behind its newest one. */
    private static final int ACK_REACH = 64;
    private static final int MIN_CAPACITY = 1;
    private static final int MIN_ENTRIES = 2;
    private static final byte EMPTY = 0;
    private static final byte IN_FLIGHT = 1;
    private static final byte LOST = 2;
    /** Declared lost by a probe time-out: a late ack means a slow ack, not reordering. */
    private static final byte PROBED = 3;

    /** Receives the fate of every entry, and of every datagram (for congestion control). */
    interface Listener {
        void onEntryAcked(long entry);

        void onEntryLost(long entry, int datagramSeq);

        /** A datagram in flight was acknowledged (not called for a tombstone: its loss was already reported). */
        default void onDatagramAcked(int seq, int bytes) {
        }

        /** A datagram in flight was declared lost. */
        default void onDatagramLost(int seq, int bytes) {
        }

        /**
         * Whether an acknowledgement leaves the probe back-off as it is: while the peer refuses our messages, acks of
         * datagrams without any (pings) must not bring the probes back to full speed.
         */
        default boolean holdProbeBackoff() {
            return false;
        }
    }

    /**
     * Records live in one array, {@value #STRIDE} longs each, at slot {@code seq & (capacity - 1)}: the state,
     * sequence, datagram size and entry count packed in the first, then the send time and the first entry's
     * position. It starts small and doubles when a new record finds its slot taken, up to {@link #CAPACITY}, where the
     * old rule applies: the record of 1024 sequences ago is declared lost. {@link #trim} brings an idle log back to
     * the smallest size.
     */
    private static final int STRIDE = 3;
    private int capacity = MIN_CAPACITY;
    private long[] rec = new long[STRIDE * MIN_CAPACITY];
    private long[] entries = new long[MIN_ENTRIES];
    /** What an idle log holds instead of arrays of its own until its next record: shared, all EMPTY, never written. */
    private static final long[] TRIMMED_REC = new long[STRIDE * MIN_CAPACITY];
    private static final long[] TRIMMED_ENTRIES = new long[MIN_ENTRIES];
    private long entryHead;
    private long entryTail;

    private int records;
    private int inFlight;
    private int bytesInFlight;
    private int oldest;
    private boolean anyAcked;
    private int largestAcked;
    private long lossTime = Long.MAX_VALUE;
    private long lastElicitingSentAt = Long.MIN_VALUE;
    private int probeCount;
    private long lastAckedSentAt;
    private long declaredLost;
    private long spuriousLosses;
    private long lateProbedAcks;
    private int packetThreshold = INITIAL_PACKET_THRESHOLD;
    private int timeEighths = INITIAL_TIME_EIGHTHS;

    private int open = -1;
    private final Listener listener;

    SentLog(Listener listener) {
        this.listener = listener;
    }

    /** Starts the record of an ack-eliciting datagram; entries follow through {@link #addEntry}. */
    void begin(int datagramSeq, long now) {
        if (rec == TRIMMED_REC) {
            rec = new long[STRIDE * MIN_CAPACITY];
            entries = new long[MIN_ENTRIES];
        }
        int slot = datagramSeq & (capacity - 1);
        while (state(slot) != EMPTY && capacity < CAPACITY) {
            grow();
            slot = datagramSeq & (capacity - 1);
        }
        if (state(slot) == IN_FLIGHT) {
            // 1024 sequences later no ack can name the slot's previous datagram any more.
            declareLost(slot);
        }
        if (state(slot) != EMPTY) {
            free(slot);
        }
        if (records == 0) {
            oldest = datagramSeq;
        }
        rec[STRIDE * slot] = IN_FLIGHT | (long) datagramSeq << 8;
        rec[STRIDE * slot + 1] = now;
        rec[STRIDE * slot + 2] = entryTail;
        open = slot;
        records++;
    }

    void addEntry(long entry) {
        if (entryTail - entryHead == entries.length) {
            growEntries();
        }
        entries[(int) (entryTail & (entries.length - 1))] = entry;
        entryTail++;
        rec[STRIDE * open] += 1L << 48;   // the entry count
    }

    /** Completes the open record with the datagram's size. */
    void end(int datagramBytes, long now) {
        rec[STRIDE * open] |= (long) datagramBytes << 24;
        bytesInFlight += datagramBytes;
        inFlight++;
        lastElicitingSentAt = now;
        open = -1;
    }

    /** Returned by {@link #onAck} when the ack gives no RTT sample. Times may be negative (the clock is the caller's). */
    static final long NO_SAMPLE = Long.MIN_VALUE;

    /**
     * Processes the ack fields of a received datagram. Returns the send time of the largest sequence if it was
     * newly acknowledged (for an RTT sample), else {@link #NO_SAMPLE}. Any newly acknowledged datagram ends a run of
     * probe time-outs, so the back-off starts again from one.
     */
    long onAck(int ack, long ackBits, long now) {
        if (!anyAcked || Seq.newer(ack, largestAcked)) {
            largestAcked = ack;
            anyAcked = true;
        }
        // Every record alive lies between the oldest one and the newest sequence sent, so an ack naming anything
        // older than the oldest record acknowledges nothing new. In steady flow most of the 64 bits name datagrams
        // acknowledged long ago: looking up only the ones that can still matter saves dozens of lookups per ack.
        int reach = records == 0 ? -1 : Seq.distance(oldest, ack);
        if (reach < 0) {
            return NO_SAMPLE;
        }
        boolean newlyAcked = acknowledge(ack);
        long rttSentAt = newlyAcked ? lastAckedSentAt : NO_SAMPLE;
        long bits = reach >= ACK_REACH ? ackBits : ackBits & ((1L << reach) - 1);
        while (bits != 0) {
            int i = Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            newlyAcked |= acknowledge(Seq.add(ack, -1 - i));
        }
        if (newlyAcked && !listener.holdProbeBackoff()) {
            probeCount = 0;
        }
        return rttSentAt;
    }

    private boolean acknowledge(int s) {
        int slot = s & (capacity - 1);
        if (state(slot) == EMPTY || seq(slot) != s) {
            return false;
        }
        if (state(slot) == LOST) {
            onSpuriousLoss(s);
        } else if (state(slot) == PROBED) {
            lateProbedAcks++;   // a slow ack, not reordering: the thresholds stay as they are
        } else if (state(slot) == IN_FLIGHT) {
            inFlight--;
            bytesInFlight -= bytes(slot);
            listener.onDatagramAcked(s, bytes(slot));
        }
        forEachEntry(slot, true);
        lastAckedSentAt = sentAt(slot);
        free(slot);
        return true;
    }

    /** A datagram declared lost was acknowledged: tolerate this much reordering from now on. */
    private void onSpuriousLoss(int s) {
        spuriousLosses++;
        int reordering = Seq.distance(s, largestAcked) + 1;
        packetThreshold = Math.min(MAX_PACKET_THRESHOLD, Math.max(packetThreshold, reordering));
        timeEighths = Math.min(MAX_TIME_EIGHTHS, timeEighths * 2);
    }

    /**
     * Declares lost what the latest acks imply, and arms the loss timer for the rest. The time threshold is
     * {@code max(floor, rtt × timeThreshold)}.
     */
    void detectLosses(long now, long rtt, long floor) {
        lossTime = Long.MAX_VALUE;
        if (!anyAcked || records == 0) {
            return;
        }
        long lossDelay = Math.max(floor, rtt * timeEighths / 8);
        for (int s = oldest; records > 0 && Seq.newer(largestAcked, s); s = Seq.add(s, 1)) {
            int slot = s & (capacity - 1);
            if (state(slot) == EMPTY || seq(slot) != s) {
                continue;
            }
            int behind = Seq.distance(s, largestAcked);
            if (state(slot) != IN_FLIGHT) {
                if (behind > ACK_REACH) {
                    free(slot);
                }
            } else if (behind >= packetThreshold || sentAt(slot) + lossDelay <= now) {
                declareLost(slot);
                if (behind > ACK_REACH) {
                    free(slot);
                }
            } else {
                lossTime = Math.min(lossTime, sentAt(slot) + lossDelay);
            }
        }
    }

    /** The probe time-out fired: the oldest datagram in flight is declared lost so its packets go again. */
    void onProbeTimeout() {
        probeCount++;
        for (int s = oldest, n = 0; inFlight > 0 && n < CAPACITY; s = Seq.add(s, 1), n++) {
            int slot = s & (capacity - 1);
            if (state(slot) == IN_FLIGHT && seq(slot) == s) {
                declareLost(slot);
                setState(slot, PROBED);
                return;
            }
        }
    }

    /**
     * When the next loss-timer or probe-timer event is due, or {@link Long#MAX_VALUE}. The probe time-out doubles
     * with each consecutive expiry, up to {@code maxInterval} (or {@code probeTimeout} if that is larger).
     */
    long deadline(long probeTimeout, long maxInterval) {
        if (lossTime != Long.MAX_VALUE) {
            return lossTime;
        }
        if (inFlight == 0) {
            return Long.MAX_VALUE;
        }
        long backedOff = probeTimeout << Math.min(probeCount, 16);
        return lastElicitingSentAt + Math.min(backedOff, Math.max(probeTimeout, maxInterval));
    }

    boolean lossTimerArmed() {
        return lossTime != Long.MAX_VALUE;
    }

    int inFlight() {
        return inFlight;
    }

    int bytesInFlight() {
        return bytesInFlight;
    }

    /** When the last ack-eliciting datagram was sent, or Long.MIN_VALUE. */
    long lastElicitingSentAt() {
        return lastElicitingSentAt;
    }

    long declaredLost() {
        return declaredLost;
    }

    long spuriousLosses() {
        return spuriousLosses;
    }

    /** Datagrams a probe time-out declared lost that were acknowledged after all. */
    long lateProbedAcks() {
        return lateProbedAcks;
    }

    int probeCount() {
        return probeCount;
    }

    private void declareLost(int slot) {
        declaredLost++;
        setState(slot, LOST);
        inFlight--;
        bytesInFlight -= bytes(slot);
        listener.onDatagramLost(seq(slot), bytes(slot));
        forEachEntry(slot, false);
    }

    private void forEachEntry(int slot, boolean acked) {
        long start = entryStart(slot);
        int s = seq(slot);
        for (int i = 0, n = entryCount(slot); i < n; i++) {
            long entry = entries[(int) ((start + i) & (entries.length - 1))];
            if (acked) {
                listener.onEntryAcked(entry);
            } else {
                listener.onEntryLost(entry, s);
            }
        }
    }

    /** Forgets a record; entry log space is reclaimed up to the oldest record still alive. */
    private void free(int slot) {
        int s = seq(slot);
        setState(slot, EMPTY);
        records--;
        if (records == 0) {
            entryHead = entryTail;
            return;
        }
        if (s == oldest) {
            do {
                oldest = Seq.add(oldest, 1);
            } while (state(oldest & (capacity - 1)) == EMPTY || seq(oldest & (capacity - 1)) != oldest);
            entryHead = entryStart(oldest & (capacity - 1));
        }
    }

    /** Doubles the record array, moving every record to its slot in the larger one. */
    private void grow() {
        int bigger = capacity * 2;
        long[] r = new long[STRIDE * bigger];
        for (int i = 0; i < capacity; i++) {
            if (state(i) != EMPTY) {
                System.arraycopy(rec, STRIDE * i, r, STRIDE * (seq(i) & (bigger - 1)), STRIDE);
            }
        }
        rec = r;
        capacity = bigger;
    }

    private byte state(int slot) {
        return (byte) rec[STRIDE * slot];
    }

    private void setState(int slot, byte state) {
        rec[STRIDE * slot] = rec[STRIDE * slot] & ~0xFFL | state;
    }

    private int seq(int slot) {
        return (int) (rec[STRIDE * slot] >>> 8) & 0xFFFF;
    }

    private int bytes(int slot) {
        return (int) (rec[STRIDE * slot] >>> 24) & 0xFFFFFF;
    }

    private int entryCount(int slot) {
        return (int) (rec[STRIDE * slot] >>> 48);
    }

    private long sentAt(int slot) {
        return rec[STRIDE * slot + 1];
    }

    private long entryStart(int slot) {
        return rec[STRIDE * slot + 2];
    }

    /**
     * For an idle connection, with nothing in flight: forgets the records of datagrams declared lost (an ack that
     * has not named them by now will not) and goes back to the smallest arrays. Does nothing while anything is in
     * flight.
     */
    void trim() {
        if (inFlight > 0 || open >= 0) {
            return;
        }
        records = 0;
        entryHead = entryTail;
        lossTime = Long.MAX_VALUE;
        // Shared empty arrays until the next record (begin): with no record, nothing else writes to them.
        capacity = MIN_CAPACITY;
        rec = TRIMMED_REC;
        entries = TRIMMED_ENTRIES;
    }

    private void growEntries() {
        long[] bigger = new long[entries.length * 2];
        for (long p = entryHead; p < entryTail; p++) {
            bigger[(int) (p & (bigger.length - 1))] = entries[(int) (p & (entries.length - 1))];
        }
        entries = bigger;
    }
}
