package io.udpnet.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a sender makes of its peer's BUSY packets (PROTOCOL.md section 7). */
class BusyPeerTest {
    private static final long QUIET = 1_000;
    private final BusyPeer peer = new BusyPeer();

    @Test
    void datagramsUpToTheNamedOneCountAsRefusedLaterOnesDoNot() {
        assertFalse(peer.refused(5), "no BUSY yet");
        peer.onBusy(10, 20, 0);
        assertTrue(peer.refused(10));
        assertTrue(peer.refused(3));
        assertFalse(peer.refused(11));
        peer.onBusy(8, 20, 0);
        assertTrue(peer.refused(10), "an older BUSY does not move the mark back");
    }

    @Test
    void aBusyNamingASequenceNotSentYetIsIgnored() {
        peer.onBusy(20, 20, 0);
        peer.onBusy(-1, 20, 0);
        assertFalse(peer.refused(20));
        assertFalse(peer.busy(0, QUIET));
    }

    @Test
    void busyUntilAReliableMessageIsAcknowledgedOrTheBusysStop() {
        peer.onBusy(10, 20, 0);
        assertTrue(peer.busy(QUIET, QUIET));
        peer.onMessageAcked();
        assertFalse(peer.busy(QUIET, QUIET));
        peer.onBusy(11, 20, 2 * QUIET);
        assertTrue(peer.busy(3 * QUIET, QUIET));
        assertFalse(peer.busy(3 * QUIET + 1, QUIET), "no BUSY for longer than the quiet period");
        assertTrue(peer.refused(11), "the mark outlives the busy spell: refused datagrams may be declared lost later");
    }

    @Test
    void theMarkIsForgottenLongBeforeTheSequenceComesRound() {
        peer.onBusy(65_530, 65_535, 0);
        for (int s = 65_535; s < 65_535 + 16_384; s++) {
            peer.onSend(s & 0xFFFF);
        }
        assertFalse(peer.refused(65_530));
        assertFalse(peer.refused((65_530 + 32_768 + 100) & 0xFFFF), "a sequence half way round is not 'older'");
    }
}
