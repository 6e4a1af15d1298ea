package io.udpnet.messaging;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An inbox's own limit, the limit it shares with a server's other inboxes, and what an ended connection keeps. */
class InboxTest {
    private final InboxBudget shared = new InboxBudget(1000);

    private static void add(Inbox inbox, int length) {
        inbox.add(0, ByteBuffer.allocate(length + 4), 2, length);
    }

    @Test
    void fullByItsOwnLimitOrByTheSharedOne() {
        // Inboxes count their records' few bytes of framing too.
        Inbox a = new Inbox(600, shared);
        Inbox b = new Inbox(500, shared);
        add(a, 500);
        assertFalse(a.full());
        long afterA = shared.held();
        assertTrue(afterA >= 500 && afterA < 600, "held " + afterA);
        add(b, 400);
        assertFalse(a.full(), shared.held() + " of 1000 shared");
        add(b, 150);
        assertTrue(b.full(), "its own limit");
        assertTrue(a.full(), "the shared limit");
        a.take();
        assertTrue(shared.held() < 1000 - afterA + 100, "a's bytes given back: " + shared.held());
        assertFalse(a.full());
    }

    @Test
    void anEndedConnectionsMessagesStayReadableButNoLongerCount() {
        Inbox a = new Inbox(600, shared);
        add(a, 300);
        add(a, 200);
        a.detach();
        assertEquals(0, shared.held());
        assertEquals(300, a.take().data().length);
        assertEquals(200, a.take().data().length);
        assertEquals(0, shared.held(), "taking after detach gives nothing back twice");
        a.detach();
        assertEquals(0, shared.held());
    }

    @Test
    void aClientInboxHasOnlyItsOwnLimit() {
        Inbox a = new Inbox(100, null);
        add(a, 50);
        assertFalse(a.full());
        add(a, 50);
        assertTrue(a.full());
    }
}
