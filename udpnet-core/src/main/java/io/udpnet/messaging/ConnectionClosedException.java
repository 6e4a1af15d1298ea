package io.udpnet.messaging;

import io.udpnet.engine.DisconnectReason;

import java.io.IOException;

/** The connection is closed (or closing, for sends): thrown by its blocking and sending methods. */
public final class ConnectionClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient DisconnectReason reason;

    ConnectionClosedException(DisconnectReason reason) {
        super(reason == null ? "connection closed by the application" : "connection closed: " + reason);
        this.reason = reason;
    }

    /** Why the connection ended, or null when it is still saying goodbye after a local close. */
    public DisconnectReason reason() {
        return reason;
    }
}
