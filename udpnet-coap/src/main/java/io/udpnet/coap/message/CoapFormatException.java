package io.udpnet.coap.message;

/**
 * A datagram is not a well-formed CoAP message. Carries what could be read of the header, because RFC 7252 section
 * 4.2 asks for a confirmable message that cannot be parsed to be rejected with a Reset of the same message ID, while
 * a datagram whose header cannot be read is silently dropped.
 */
public final class CoapFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The type read from the header, or null. */
    private final MessageType type;
    /** The message ID read from the header, or -1. */
    private final int messageId;

    /**
     * Makes the exception.
     *
     * @param message what is wrong
     * @param type the type read from the header, or {@code null} when the header itself is unusable
     * @param messageId the message ID read from the header, or -1
     */
    public CoapFormatException(String message, MessageType type, int messageId) {
        super(message, null, false, false);
        this.type = type;
        this.messageId = messageId;
    }

    /**
     * The type from the header.
     *
     * @return the type, or {@code null} when the header could not be read (too short or wrong version)
     */
    public MessageType type() {
        return type;
    }

    /**
     * The message ID from the header.
     *
     * @return 0..65535, or -1 when unknown
     */
    public int messageId() {
        return messageId;
    }
}
