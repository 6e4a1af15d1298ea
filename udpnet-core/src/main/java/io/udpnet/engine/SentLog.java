package io.udpnet.engine;

import io.udpnet.wire.Seq;

/**
 * Send side of the ack system: a record per ack-eliciting datagram in flight (when it was sent and which reliable
 * packets it carried), acknowledgement processing, and loss detection in the manner of RFC 9002: a datagram is
 * lost when one sent at least {@value #PACKET_THRESHOLD} sequences later is acknowledged, or when a later one is
 * acknowledged and it has been outstanding for 9/8 of the round-trip time. Datagrams that can no longer be
 * acknowledged (more than 64 sequences behind the newest ack) are lost too. A probe time-out covers the tail,
 * when nothing later is ever acknowledged.
 *
 * <p>Reliable packets are identified by "entries": a long chosen by the channel layer. All state lives in
 * preallocated arrays; the entry log grows by doubling up to what the records in flight need and is then reused.
 */
final class SentLog {
    static final int CAPACITY = 1024;
    static final int PACKET_THRESHOLD = 3;
    private static final int MASK = CAPACITY - 1;
    private static final int EMPTY = -1;

    /** Receives the fate of every entry. */
    interface Listener {
        void onEntryAcked(long entry);

        void onEntryLost(long entry, int datagramSeq);
    }

    private final int[] seq = new int[CAPACITY];
    private final long[] sentAt = new long[CAPACITY];
    private final long[] entryStart = new long[CAPACITY];
    private final int[] entryCount = new int[CAPACITY];
    private final int[] bytes = new int[CAPACITY];
    private long[] entries = new long[64];
    private long entryHead;
    private long entryTail;

    private int inFlight;
    private int bytesInFlight;
    private int oldest;
    private boolean anyAcked;
    private int largestAcked;
    private long lossTime = Long.MAX_VALUE;
    private long lastElicitingSentAt;
    private int probeCount;
    private long lastAckedSentAt;
    private long declaredLost;

    private int open = EMPTY;
    private final Listener listener;

    SentLog(Listener listener) {
        this.listener = listener;
        java.util.Arrays.fill(seq, EMPTY);
    }

    /** Starts the record of an ack-eliciting datagram; entries follow through {@link #addEntry}. */
    void begin(int datagramSeq, long now) {
        int slot = datagramSeq & MASK;
        if (seq[slot] != EMPTY) {
            // The slot's previous datagram is 1024 sequences old: no ack can name it any more.
            declareLost(slot);
        }
        if (inFlight == 0) {
            oldest = datagramSeq;
        }
        seq[slot] = datagramSeq;
        sentAt[slot] = now;
        entryStart[slot] = entryTail;
        entryCount[slot] = 0;
        open = slot;
    }

    void addEntry(long entry) {
        if (entryTail - entryHead == entries.length) {
            growEntries();
        }
        entries[(int) (entryTail & (entries.length - 1))] = entry;
        entryTail++;
        entryCount[open]++;
    }

    /** Completes the open record with the datagram's size. */
    void end(int datagramBytes, long now) {
        bytes[open] = datagramBytes;
        bytesInFlight += datagramBytes;
        inFlight++;
        lastElicitingSentAt = now;
        open = EMPTY;
    }

    /**
     * Processes the ack fields of a received datagram. Returns the send time of the largest sequence newly
     * acknowledged (for an RTT sample) or -1 when it was not newly acknowledged.
     */
    long onAck(int ack, long ackBits, long now) {
        long rttSentAt = -1;
        if (acknowledge(ack)) {
            rttSentAt = lastAckedSentAt;
        }
        long bits = ackBits;
        while (bits != 0) {
            int i = Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            acknowledge(Seq.add(ack, -1 - i));
        }
        if (!anyAcked || Seq.newer(ack, largestAcked)) {
            largestAcked = ack;
            anyAcked = true;
        }
        if (rttSentAt >= 0) {
            probeCount = 0;
        }
        return rttSentAt;
    }

    private boolean acknowledge(int s) {
        int slot = s & MASK;
        if (seq[slot] != s) {
            return false;
        }
        long start = entryStart[slot];
        for (int i = 0, n = entryCount[slot]; i < n; i++) {
            listener.onEntryAcked(entries[(int) ((start + i) & (entries.length - 1))]);
        }
        lastAckedSentAt = sentAt[slot];
        remove(slot);
        return true;
    }

    /** Declares lost what the latest acks and {@code lossDelay} imply, and arms the loss timer for the rest. */
    void detectLosses(long now, long lossDelay) {
        lossTime = Long.MAX_VALUE;
        if (!anyAcked || inFlight == 0) {
            return;
        }
        for (int s = oldest; inFlight > 0 && Seq.newer(largestAcked, s); s = Seq.add(s, 1)) {
            int slot = s & MASK;
            if (seq[slot] != s) {
                continue;
            }
            if (Seq.distance(s, largestAcked) >= PACKET_THRESHOLD || sentAt[slot] + lossDelay <= now) {
                declareLost(slot);
            } else {
                lossTime = Math.min(lossTime, sentAt[slot] + lossDelay);
            }
        }
    }

    /** The probe time-out fired: the oldest datagram in flight is declared lost so its packets go again. */
    void onProbeTimeout() {
        probeCount++;
        if (inFlight > 0) {
            declareLost(oldestSlot());
        }
    }

    /** When the next loss-timer or probe-timer event is due, or {@link Long#MAX_VALUE}. */
    long deadline(long probeTimeout) {
        if (lossTime != Long.MAX_VALUE) {
            return lossTime;
        }
        if (inFlight == 0) {
            return Long.MAX_VALUE;
        }
        return lastElicitingSentAt + (probeTimeout << Math.min(probeCount, 16));
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

    long declaredLost() {
        return declaredLost;
    }

    int probeCount() {
        return probeCount;
    }

    private int oldestSlot() {
        for (int s = oldest; ; s = Seq.add(s, 1)) {
            if (seq[s & MASK] == s) {
                return s & MASK;
            }
        }
    }

    private void declareLost(int slot) {
        declaredLost++;
        int s = seq[slot];
        long start = entryStart[slot];
        for (int i = 0, n = entryCount[slot]; i < n; i++) {
            listener.onEntryLost(entries[(int) ((start + i) & (entries.length - 1))], s);
        }
        remove(slot);
    }

    private void remove(int slot) {
        int s = seq[slot];
        seq[slot] = EMPTY;
        inFlight--;
        bytesInFlight -= bytes[slot];
        if (inFlight == 0) {
            entryHead = entryTail;
            return;
        }
        if (s == oldest) {
            oldest = Seq.add(oldest, 1);
            while (seq[oldest & MASK] != oldest) {
                oldest = Seq.add(oldest, 1);
            }
            entryHead = entryStart[oldest & MASK];
        }
    }

    private void growEntries() {
        long[] bigger = new long[entries.length * 2];
        for (long p = entryHead; p < entryTail; p++) {
            bigger[(int) (p & (bigger.length - 1))] = entries[(int) (p & (entries.length - 1))];
        }
        entries = bigger;
    }
}
