package io.udpnet.messaging;

import java.util.ArrayDeque;

/**
 * The connections of one I/O thread that wait for their engine: staged messages that did not fit its window, and
 * closes that wait for messages already handed over to be delivered. Both are retried before each flush: acks that
 * arrived since may have opened the window. I/O thread only.
 */
final class Housekeeping {
    /** How often lingering closes are checked while any wait. */
    private static final long LINGER_CHECK_NANOS = 5_000_000L;

    private final ArrayDeque<ConnectionDriver> stalled = new ArrayDeque<>();
    private final ArrayDeque<ConnectionDriver> lingering = new ArrayDeque<>();

    void stalled(ConnectionDriver c) {
        stalled.addLast(c);
    }

    void lingering(ConnectionDriver c) {
        lingering.addLast(c);
    }

    /** Retries every waiting connection once; returns when to check again (MAX_VALUE when nothing waits). */
    long run(long now) {
        for (int n = stalled.size(); n > 0; n--) {
            ConnectionDriver c = stalled.pollFirst();
            c.unstall();
            c.drain();
        }
        for (int n = lingering.size(); n > 0; n--) {
            ConnectionDriver c = lingering.pollFirst();
            if (!c.finishClose(now)) {
                lingering.addLast(c);
            }
        }
        return lingering.isEmpty() ? Long.MAX_VALUE : now + LINGER_CHECK_NANOS;
    }
}
