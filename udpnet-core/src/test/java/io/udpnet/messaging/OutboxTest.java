package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.engine.Connection;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboxTest {

    @Test
    void anIdleConnectionLetsGoOfItsEmptyQueuesAndKeepsTheOnesStillHoldingMessages() {
        Outbox outbox = new Outbox();
        assertEquals(0, outbox.queuesHeld(), "no queue before the first message");
        assertTrue(outbox.offer(0, ByteBuffer.wrap(new byte[] {1, 2, 3})));
        assertTrue(outbox.offer(1, ByteBuffer.wrap(new byte[] {4})));
        ConnectionConfig config = ConnectionConfig.builder()
                .channels(Delivery.RELIABLE_ORDERED, Delivery.RELIABLE_ORDERED).build();
        Connection engine = Connection.connect(config, ByteBuffer.allocate(0), (ch, b, off, len) -> { },
                new SplittableRandom(1), 0);
        assertTrue(outbox.moveTo(engine, true), "both queues emptied");
        assertTrue(outbox.offer(1, ByteBuffer.wrap(new byte[] {5})));
        assertEquals(2, outbox.queuesHeld());

        outbox.releaseEmpty();
        assertEquals(1, outbox.queuesHeld(), "channel 0's empty queue goes, channel 1's message stays");
        assertFalse(outbox.isEmpty());

        assertTrue(outbox.offer(0, ByteBuffer.wrap(new byte[] {6, 7})), "a released channel takes messages again");
        assertEquals(2, outbox.queuesHeld());
        assertTrue(outbox.moveTo(engine, true));
        outbox.releaseEmpty();
        assertEquals(0, outbox.queuesHeld());
        assertTrue(outbox.isEmpty());
    }
}
