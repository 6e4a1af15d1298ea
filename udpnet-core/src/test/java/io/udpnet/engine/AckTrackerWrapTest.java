package io.udpnet.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Regression: the receive windows once kept 16-bit sequence values, so a slot last written exactly 65,536 datagrams
 * earlier passed for the current sequence. The ack bits then acknowledged a datagram that never arrived, and the
 * sender dropped a reliable message that was never delivered.
 */
class AckTrackerWrapTest {

    @Test
    void aSequenceSeenOneWrapAgoIsNeitherAckedNorADuplicate() {
        AckTracker t = new AckTracker(2, 5_000_000);
        t.onReceived(100, true, true, 0);
        // Then only every 2048th datagram arrives, so slot 100 & 1023 is never overwritten, for a whole wrap.
        for (long s = 2048; s <= 65536 + 101; s += 2048) {
            t.onReceived((int) s & 0xFFFF, true, true, 0);
        }
        t.onReceived(101 + 0, true, true, 0);   // sequence 65,637 (low bits 101): newest now
        assertEquals(101, t.ack());
        long bits = t.ackBits();
        assertEquals(0, bits & 1, "sequence 65,636 (low bits 100) never arrived; only 100 did, a wrap ago");
        assertEquals(AckTracker.NEW, t.classify(100), "65,636 is new, not a duplicate of 100");
    }
}
