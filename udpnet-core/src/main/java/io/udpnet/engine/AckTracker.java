package io.udpnet.engine;

import io.udpnet.wire.Seq;
import io.udpnet.wire.WireFormat;

import java.util.Arrays;

/**
 * Receive side of the datagram ack system: which sequences arrived (to drop duplicates), which may be acknowledged,
 * and when the next ack is due.
 *
 * <p>A window of {@value #WINDOW} sequences filters duplicates ("seen"); the ack bits, kept up to date as datagrams
 * arrive, say what may be acknowledged. The two differ when a datagram is processed but cannot be acknowledged
 * because a reliable packet in it had no room: its unreliable packets must not be delivered twice, yet the sender
 * must retransmit the reliable ones. Sequences are unwrapped to 64 bits against the newest seen, and the window is a
 * bitmap (128 bytes) whose bits are cleared as the newest moves on, so a bit set 65,536 or 1024 datagrams ago never
 * passes for the current sequence that maps to it.
 */
final class AckTracker {
    static final int WINDOW = 1024;
    private static final int MASK = WINDOW - 1;
    private static final int WORDS = WINDOW / 64;

    /** Result of {@link #classify}. */
    static final int NEW = 0;
    static final int DUPLICATE = 1;
    static final int TOO_OLD = 2;

    /**
     * Which of the {@value #WINDOW} sequences up to the newest seen arrived: bit {@code s & MASK} for sequence
     * {@code s}. Bits of sequences that fall out of the window are cleared as the newest moves on, so a set bit
     * always means that very sequence, not one 1024 earlier.
     */
    private final long[] seen = new long[WORDS];
    /** Ack bits relative to {@link #newestAcked}, kept up to date as datagrams arrive. */
    private long ackBits;
    private boolean anySeen;
    private long newestSeen;
    private boolean anyAcked;
    private long newestAcked;
    private long newestAckedReceivedAt;

    private int unackedElicting;
    private long ackDeadline = Long.MAX_VALUE;
    private boolean ackNow;
    private final int ackFrequency;
    private final long maxAckDelay;

    AckTracker(int ackFrequency, long maxAckDelayNanos) {
        this.ackFrequency = ackFrequency;
        this.maxAckDelay = maxAckDelayNanos;
    }

    /** The unwrapped sequence closest to the newest seen that has these low 16 bits. */
    private long unwrap(int seq) {
        return anySeen ? newestSeen + Seq.distance((int) newestSeen & Seq.MASK, seq) : seq;
    }

    /** Whether {@code seq} is new, already seen, or too old to tell. */
    int classify(int seq) {
        if (!anySeen) {
            return NEW;
        }
        long s = unwrap(seq);
        if (s > newestSeen) {
            return NEW;
        }
        if (s <= newestSeen - WINDOW) {
            return TOO_OLD;
        }
        return isSeen(s) ? DUPLICATE : NEW;
    }

    /**
     * Records a processed datagram. {@code ackable} is false when it must not be acknowledged;
     * {@code ackEliciting} when it carried anything but acks and padding.
     */
    void onReceived(int seq16, boolean ackable, boolean ackEliciting, long now) {
        long seq = unwrap(seq16);
        boolean inOrder = !anySeen || seq == newestSeen + 1;
        if (!anySeen) {
            anySeen = true;
            newestSeen = seq;
        } else if (seq > newestSeen) {
            forget(newestSeen + 1, seq);
            newestSeen = seq;
        }
        int bit = (int) seq & MASK;
        seen[bit >>> 6] |= 1L << bit;
        if (!ackable) {
            // Refused (no room for its messages): not acknowledged, but the peer still hears from us within the ack
            // delay, an acknowledgement of what came before, so that a long refusal is not taken for a dead peer.
            if (ackEliciting && anyAcked && ackDeadline == Long.MAX_VALUE) {
                ackDeadline = now + maxAckDelay;
            }
            return;
        }
        if (!anyAcked) {
            ackBits = 0;
        } else if (seq > newestAcked) {
            long shift = seq - newestAcked;
            // The previous newest becomes bit (shift - 1); older bits move up; beyond 64 they fall off.
            ackBits = shift > 64 ? 0 : shift == 64 ? 1L << 63 : (ackBits << shift) | (1L << (shift - 1));
        } else if (newestAcked - seq <= 64) {
            ackBits |= 1L << (newestAcked - seq - 1);
        }
        if (!anyAcked || seq > newestAcked) {
            newestAcked = seq;
            newestAckedReceivedAt = now;
            anyAcked = true;
        }
        if (ackEliciting) {
            unackedElicting++;
            if (ackDeadline == Long.MAX_VALUE) {
                ackDeadline = now + maxAckDelay;
            }
            // A gap means loss or reordering: tell the sender at once so it can recover quickly.
            if (!inOrder || unackedElicting >= ackFrequency) {
                ackNow = true;
            }
        }
    }

    private boolean isSeen(long s) {
        int bit = (int) s & MASK;
        return (seen[bit >>> 6] & (1L << bit)) != 0;
    }

    /** Clears the bits of sequences {@code from..to}: they now stand for these, not for those 1024 earlier. */
    private void forget(long from, long to) {
        if (to - from >= WINDOW - 1) {
            Arrays.fill(seen, 0L);
            return;
        }
        for (long s = from; s <= to; s++) {
            int bit = (int) s & MASK;
            seen[bit >>> 6] &= ~(1L << bit);
        }
    }

    /** Acknowledges what has been received without waiting for the delay (after {@link #onReceived}). */
    void ackAtOnce() {
        if (anyAcked) {
            ackNow = true;
        }
    }

    /** Whether an ack should go out now even if there is no data to carry it. */
    boolean ackDue(long now) {
        return ackNow || now >= ackDeadline;
    }

    /** When a pending ack falls due, or {@link Long#MAX_VALUE}. */
    long ackDeadline() {
        return ackNow ? Long.MIN_VALUE : ackDeadline;
    }

    /** Called when a datagram carrying the current ack state is sent. */
    void onAckSent() {
        unackedElicting = 0;
        ackDeadline = Long.MAX_VALUE;
        ackNow = false;
    }

    boolean hasAck() {
        return anyAcked;
    }

    /** The ack field: newest acknowledged sequence. */
    int ack() {
        return (int) newestAcked & Seq.MASK;
    }

    /** The ack bits: bit i set when sequence {@code ack - 1 - i} is acknowledged. */
    long ackBits() {
        return ackBits;
    }

    /** The ack-delay field for a datagram sent at {@code now}. */
    int ackDelayField(long now) {
        if (!anyAcked) {
            return WireFormat.ACK_DELAY_NONE;
        }
        long units = Math.max(0, now - newestAckedReceivedAt) / WireFormat.ACK_DELAY_UNIT_NANOS;
        return (int) Math.min(units, WireFormat.ACK_DELAY_NONE - 1);
    }
}
