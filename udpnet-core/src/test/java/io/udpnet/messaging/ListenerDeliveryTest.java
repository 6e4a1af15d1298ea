package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A listener gets every message whatever buffer the engine delivers it from: whole messages come straight from the
 * socket's direct receive buffer, reassembled ones from heap buffers, and the two alternate on one connection.
 */
@Timeout(60)
class ListenerDeliveryTest {

    @Test
    void wholeAndReassembledMessagesAlternateWithoutLoss() throws Exception {
        BlockingQueue<Integer> lengths = new LinkedBlockingQueue<>();
        MessageConnectionListenerAdapter listener = new MessageConnectionListenerAdapter(lengths);
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().listener(listener).build());
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            int[] sizes = {10, 5000, 20, 7000, 30, 100, 9000, 40};
            for (int round = 0; round < 3; round++) {
                for (int size : sizes) {
                    c.send(0, ByteBuffer.allocate(size));
                }
            }
            for (int round = 0; round < 3; round++) {
                for (int size : sizes) {
                    Integer got = lengths.poll(10, TimeUnit.SECONDS);
                    assertNotNull(got, "a message of " + size + " bytes never reached the listener");
                    assertEquals(size, got);
                }
            }
        }
    }

    /**
     * Small messages packed many to a datagram are lent to the listener in the datagram's own buffer; a listener that
     * reads with relative gets, then moves the bounds about, must not disturb the messages after it in the datagram.
     */
    @Test
    void aListenerThatMovesTheBoundsDisturbsNoOtherMessage() throws Exception {
        int messages = 2_000;
        BlockingQueue<Long> numbers = new LinkedBlockingQueue<>();
        MessageConnectionListener careless = (connection, channel, message) -> {
            long n = message.getLong();
            while (message.hasRemaining()) {
                if (message.get() != (byte) n) {
                    n = -1;
                }
            }
            numbers.add(n);
            message.flip();
            message.limit(message.capacity()).position(message.capacity() / 2);
        };
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().listener(careless).build());
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            ByteBuffer m = ByteBuffer.allocate(24);
            for (long n = 0; n < messages; n++) {
                m.clear().putLong(n);
                while (m.hasRemaining()) {
                    m.put((byte) n);
                }
                c.send(0, m.flip());
            }
            for (long n = 0; n < messages; n++) {
                Long got = numbers.poll(10, TimeUnit.SECONDS);
                assertNotNull(got, "message " + n + " never reached the listener");
                assertEquals(n, got, "message " + n + " arrived whole and in order");
            }
        }
    }

    /** Records the length of each message. */
    private record MessageConnectionListenerAdapter(BlockingQueue<Integer> lengths) implements MessageConnectionListener {
        @Override
        public void onMessage(MessageConnection connection, int channel, ByteBuffer message) {
            lengths.add(message.remaining());
        }
    }
}
