package io.udpnet.messaging;

import io.udpnet.engine.Connection;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Messages an application handed to a connection that its I/O thread has not yet given to the engine: one queue
 * per channel, so a channel whose send window is full holds back no other. A queue takes up to 64 KiB, or one larger
 * message when it is empty. Not thread-safe: guarded by the connection's lock.
 */
final class Outbox {
    static final int CHANNEL_LIMIT = 64 * 1024;

    private static final RecordQueue[] NONE = new RecordQueue[0];

    /**
     * A queue for each channel up to the highest used since the connection was last idle (null for a channel not
     * used); {@link #NONE} while none is.
     */
    private RecordQueue[] queues = NONE;

    /** Queues a copy of {@code message} (position..limit) unless the channel's queue is full. */
    boolean offer(int channel, ByteBuffer message) {
        int length = message.remaining();
        if (channel >= queues.length) {
            queues = Arrays.copyOf(queues, channel + 1);
        }
        RecordQueue q = queues[channel];
        if (q == null) {
            q = queues[channel] = new RecordQueue(Math.min(CHANNEL_LIMIT, 1024 + length));
        }
        if (!hasRoom(channel, length)) {
            return false;
        }
        q.add(channel, message);
        return true;
    }

    boolean hasRoom(int channel, int length) {
        RecordQueue q = channel < queues.length ? queues[channel] : null;
        return q == null || q.isEmpty() || q.bytes() + length <= CHANNEL_LIMIT;
    }

    /**
     * Gives queued messages to {@code engine} in order, channel by channel, until it refuses one (its window is
     * full); with {@code discard}, drops them instead. Returns whether any message left the outbox.
     */
    boolean moveTo(Connection engine, boolean discard) {
        boolean moved = false;
        for (int ch = 0; ch < queues.length; ch++) {
            RecordQueue q = queues[ch];
            while (q != null && !q.isEmpty()) {
                if (!discard && !engine.send(ch, q.peek())) {
                    break;
                }
                q.remove();
                moved = true;
            }
        }
        return moved;
    }

    /** Lets go of the queues that hold nothing (the connection went idle); the next message makes its queue again. */
    void releaseEmpty() {
        boolean any = false;
        for (int ch = 0; ch < queues.length; ch++) {
            if (queues[ch] != null && queues[ch].isEmpty()) {
                queues[ch] = null;
            }
            any |= queues[ch] != null;
        }
        if (!any) {
            queues = NONE;
        }
    }

    /** Channels holding a queue (empty or not): what an idle connection still keeps here. */
    int queuesHeld() {
        int n = 0;
        for (RecordQueue q : queues) {
            n += q == null ? 0 : 1;
        }
        return n;
    }

    boolean isEmpty() {
        for (RecordQueue q : queues) {
            if (q != null && !q.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Whether the engine still holds messages of a channel this outbox has used: unsent, or unacknowledged. */
    boolean engineBusy(Connection engine) {
        if (engine.datagramsInFlight() > 0) {
            return true;
        }
        for (int ch = 0; ch < queues.length; ch++) {
            if (queues[ch] != null && engine.queuedMessages(ch) > 0) {
                return true;
            }
        }
        return false;
    }

    void clear() {
        for (RecordQueue q : queues) {
            if (q != null) {
                q.clear();
            }
        }
    }
}
