package io.udpnet.messaging;

import java.nio.ByteBuffer;

/**
 * Received messages waiting for {@code MessageConnection.receive()}. It holds at most its limit plus what one
 * datagram completes: the I/O thread stops feeding the engine while it is {@linkplain #full() full}. Not thread-safe
 * (guarded by the connection's lock), except {@link #full()}.
 */
final class Inbox {
    private final RecordQueue queue = new RecordQueue(4096);
    private final int limit;
    private volatile int bytes;

    Inbox(int limit) {
        this.limit = limit;
    }

    void add(int channel, ByteBuffer buffer, int offset, int length) {
        queue.add(channel, buffer, offset, length);
        bytes = queue.bytes();
    }

    /** The oldest message, copied out, or null when empty. */
    Message take() {
        if (queue.isEmpty()) {
            return null;
        }
        Message m = new Message(queue.peekTag(), queue.peekCopy());
        queue.remove();
        bytes = queue.bytes();
        return m;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Whether the limit is reached; any thread. */
    boolean full() {
        return bytes >= limit;
    }
}
