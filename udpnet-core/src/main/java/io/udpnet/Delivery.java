package io.udpnet;

/**
 * How a channel delivers its messages. Chosen per channel when a connection is configured; both ends must agree.
 * A mode's position in this declaration (0..3) is its code in the handshake's shared settings (docs/PROTOCOL.md
 * section 8.1), so the order is part of the wire format.
 */
public enum Delivery {
    /** No ordering, no retransmission. A fragmented message is dropped whole if one fragment is lost. */
    UNRELIABLE,
    /**
     * Ordered but unreliable: a message older than one already delivered on the channel is dropped, no message is
     * delivered twice, and a fragmented message arrives complete or not at all.
     */
    UNRELIABLE_SEQUENCED,
    /** Every message exactly once, byte-exact, in the order it completes at the receiver. */
    RELIABLE_UNORDERED,
    /** Every message exactly once, byte-exact, in the order it was sent. */
    RELIABLE_ORDERED;

    /** Whether messages on this delivery mode are retransmitted until acknowledged. */
    public boolean isReliable() {
        return this == RELIABLE_UNORDERED || this == RELIABLE_ORDERED;
    }
}
