package io.udpnet.engine;

import io.udpnet.wire.WireFormat;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Duplicate filtering, ack fields and ack timing of the receive side (PROTOCOL.md sections 3 and 5). */
class AckTrackerTest {
    private static final long MAX_ACK_DELAY = 5_000_000;

    private final AckTracker t = new AckTracker(2, MAX_ACK_DELAY);

    private void receive(int... seqs) {
        for (int s : seqs) {
            assertEquals(AckTracker.NEW, t.classify(s), "sequence " + s);
            t.onReceived(s, true, false, 0);
        }
    }

    @Test
    void classifiesDuplicatesAndTooOldAcrossTheWrap() {
        assertEquals(AckTracker.NEW, t.classify(65535));
        receive(65530, 65535, 0, 3);
        assertEquals(AckTracker.DUPLICATE, t.classify(3));
        assertEquals(AckTracker.DUPLICATE, t.classify(0));
        assertEquals(AckTracker.DUPLICATE, t.classify(65535));
        assertEquals(AckTracker.DUPLICATE, t.classify(65530));
        assertEquals(AckTracker.NEW, t.classify(65534), "gap, not seen");
        assertEquals(AckTracker.NEW, t.classify(4));
        assertEquals(AckTracker.NEW, t.classify(30000), "newer (by less than half the circle) is always new");
        // The window: WINDOW - 1 behind the newest (3) can still be told apart, WINDOW behind is too old.
        int edge = (3 - (AckTracker.WINDOW - 1)) & 0xFFFF;
        assertEquals(AckTracker.NEW, t.classify(edge));
        assertEquals(AckTracker.TOO_OLD, t.classify((3 - AckTracker.WINDOW) & 0xFFFF));
        assertEquals(AckTracker.TOO_OLD, t.classify((3 - AckTracker.WINDOW - 1000) & 0xFFFF));
        t.onReceived(edge, true, false, 0);
        assertEquals(AckTracker.DUPLICATE, t.classify(edge));
    }

    @Test
    void ackBitsNameEveryAcknowledgedSequenceBehindTheNewest() {
        receive(65534, 0, 1, 3);
        assertTrue(t.hasAck());
        assertEquals(3, t.ack());
        // bit i = 3 - 1 - i: bit 0 = 2 (missing), bit 1 = 1, bit 2 = 0, bit 3 = 65535 (missing), bit 4 = 65534.
        assertEquals(0b10110, t.ackBits());
        // A late arrival fills its bit; the ack field does not move back.
        receive(2);
        assertEquals(3, t.ack());
        assertEquals(0b10111, t.ackBits());
    }

    @Test
    void ackBitsReachBack64Sequences() {
        receive(100, 100 - 64, 100 - 65);
        assertEquals(100, t.ack());
        assertEquals(1L << 63, t.ackBits(), "36 is bit 63; 35 does not fit");
    }

    @Test
    void refusedDatagramIsSeenButNotAcknowledged() {
        t.onReceived(7, false, true, 0);
        assertEquals(AckTracker.DUPLICATE, t.classify(7), "its unreliable packets must not be delivered twice");
        assertFalse(t.hasAck());
        assertEquals(WireFormat.ACK_DELAY_NONE, t.ackDelayField(0));
        assertFalse(t.ackDue(1L << 60), "nothing to acknowledge");
        t.onReceived(8, true, true, 0);
        assertEquals(8, t.ack());
        assertEquals(0, t.ackBits(), "7 is not acknowledged");
        t.onReceived(6, true, false, 0);
        assertEquals(0b10, t.ackBits());
    }

    @Test
    void ackFallsDueAfterEverySecondElicitingDatagram() {
        t.onReceived(0, true, true, 1000);
        assertFalse(t.ackDue(1000));
        assertEquals(1000 + MAX_ACK_DELAY, t.ackDeadline());
        t.onReceived(1, true, false, 1500);
        assertFalse(t.ackDue(1500), "an ack-only datagram does not count");
        t.onReceived(2, true, true, 2000);
        assertTrue(t.ackDue(2000));
        assertEquals(Long.MIN_VALUE, t.ackDeadline());
        t.onAckSent();
        assertFalse(t.ackDue(2000));
        assertEquals(Long.MAX_VALUE, t.ackDeadline());
        t.onReceived(3, true, true, 3000);
        assertFalse(t.ackDue(3000));
        assertEquals(3000 + MAX_ACK_DELAY, t.ackDeadline());
    }

    @Test
    void delayedAckFallsDueAtTheMaximumAckDelay() {
        t.onReceived(0, true, true, 1000);
        t.onReceived(1, true, false, 2000);
        assertFalse(t.ackDue(1000 + MAX_ACK_DELAY - 1));
        assertTrue(t.ackDue(1000 + MAX_ACK_DELAY), "from the first unacknowledged eliciting datagram");
    }

    @Test
    void outOfOrderArrivalMakesTheAckDueAtOnce() {
        t.onReceived(0, true, true, 0);
        t.onAckSent();
        t.onReceived(2, true, true, 10);
        assertTrue(t.ackDue(10), "1 was skipped");
        t.onAckSent();
        t.onReceived(1, true, true, 20);
        assertTrue(t.ackDue(20), "1 arrived late: not the one after the newest (2)");
        t.onAckSent();
        t.onReceived(3, true, true, 30);
        assertFalse(t.ackDue(30), "in order again");
    }

    @Test
    void firstDatagramIsInOrderWhateverItsSequence() {
        t.onReceived(40000, true, true, 0);
        assertFalse(t.ackDue(0));
    }

    @Test
    void ackFrequencyOneAcksEveryElicitingDatagram() {
        AckTracker one = new AckTracker(1, MAX_ACK_DELAY);
        one.onReceived(0, true, true, 0);
        assertTrue(one.ackDue(0));
    }

    @Test
    void ackDelayFieldCountsSixteenMicrosecondUnitsAndSaturates() {
        t.onReceived(5, true, true, 1_000_000);
        assertEquals(0, t.ackDelayField(1_000_000));
        // 1 ms = 62.5 units, truncated to 62 (as in test vector 2).
        assertEquals(62, t.ackDelayField(2_000_000));
        // An older arrival does not restart the clock: the field is about the datagram named by `ack`.
        t.onReceived(4, true, true, 1_500_000);
        assertEquals(62, t.ackDelayField(2_000_000));
        // 0xFFFE units = 1.048544 s; anything longer saturates at 0xFFFE, never 0xFFFF.
        assertEquals(0xFFFE, t.ackDelayField(1_000_000 + 0xFFFEL * 16_000));
        assertEquals(0xFFFE, t.ackDelayField(1_000_000 + 10_000_000_000L));
    }

    /**
     * After a gap of more than one window, slots that were not overwritten still hold the sequence received one
     * wrap (65536 sequences) earlier, and are taken for the new datagram with the same number.
     */
    @Test
    void entriesFromThePreviousWrapAreForgotten() {
        receive(5);
        // The peer's sequence advances a full circle while only a few datagrams get through.
        for (int s = 20000; s < 65536; s += 20000) {
            receive(s);
        }
        receive(65530, 10);
        // Datagram 5 of this wrap was never received.
        assertEquals(10, t.ack());
        assertEquals(0, t.ackBits() & (1L << 4), "bit 4 (sequence 5) must not be set");
        assertEquals(AckTracker.NEW, t.classify(5));
    }
}
