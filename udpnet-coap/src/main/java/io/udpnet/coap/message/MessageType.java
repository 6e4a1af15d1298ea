package io.udpnet.coap.message;

/** The four CoAP message types (RFC 7252 section 3), in wire order. */
public enum MessageType {
    /** Confirmable: retransmitted until acknowledged. */
    CON,
    /** Non-confirmable: sent once. */
    NON,
    /** Acknowledgement of a confirmable message, possibly carrying a piggy-backed response. */
    ACK,
    /** Reset: the receiver cannot process a message (or no longer wants notifications). */
    RST;

    private static final MessageType[] VALUES = values();

    /**
     * The type with wire value {@code bits}.
     *
     * @param bits 0..3
     * @return the type
     */
    public static MessageType ofBits(int bits) {
        return VALUES[bits & 3];
    }
}
