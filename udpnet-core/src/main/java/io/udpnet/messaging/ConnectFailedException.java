package io.udpnet.messaging;

import io.udpnet.engine.DisconnectReason;

import java.net.ConnectException;
import java.net.InetSocketAddress;

/** A client's connection attempt failed: refused, timed out, or the server's port is unreachable. */
public final class ConnectFailedException extends ConnectException {
    private static final long serialVersionUID = 1L;

    private final transient DisconnectReason reason;

    ConnectFailedException(InetSocketAddress server, DisconnectReason reason) {
        super("cannot connect to " + server + ": " + reason);
        this.reason = reason;
    }

    /** Why: {@code CONNECT_TIMED_OUT}, {@code UNREACHABLE}, or the server's refusal ({@code SERVER_FULL}, ...). */
    public DisconnectReason reason() {
        return reason;
    }
}
