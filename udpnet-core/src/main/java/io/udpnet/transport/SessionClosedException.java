package io.udpnet.transport;

import java.io.IOException;

/**
 * Thrown by {@link DatagramSession#receive} and {@link DatagramSession#send} once the session is closed. The
 * {@linkplain #reason() reason} says why; when an I/O error closed the session, it is the {@linkplain #getCause()
 * cause} (for example a {@link java.net.PortUnreachableException}).
 */
public final class SessionClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the session closed. */
    private final transient SessionCloseReason reason;

    /**
     * Creates the exception.
     *
     * @param reason why the session closed
     * @param cause the I/O error that closed it, or {@code null}
     */
    public SessionClosedException(SessionCloseReason reason, Throwable cause) {
        super("session closed: " + reason, cause);
        this.reason = reason;
    }

    /**
     * Why the session closed.
     *
     * @return the close reason
     */
    public SessionCloseReason reason() {
        return reason;
    }
}
