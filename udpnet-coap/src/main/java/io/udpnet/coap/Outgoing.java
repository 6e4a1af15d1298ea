package io.udpnet.coap;

import java.util.concurrent.ScheduledFuture;

/**
 * A confirmable message this side sent and retransmits until it is acknowledged, reset or given up (RFC 7252
 * section 4.2). Guarded by the owner's pending map: whoever removes it from there owns its end.
 */
final class Outgoing {
    final int messageId;
    final byte[] datagram;
    /** The observation a notification belongs to, or null for a separate response. */
    final Observer observer;
    int retransmissions;
    long timeoutNanos;
    volatile ScheduledFuture<?> timer;

    Outgoing(int messageId, byte[] datagram, Observer observer, int retransmissions, long timeoutNanos) {
        this.messageId = messageId;
        this.datagram = datagram;
        this.observer = observer;
        this.retransmissions = retransmissions;
        this.timeoutNanos = timeoutNanos;
    }

    void cancel() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }
}
