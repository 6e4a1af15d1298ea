package io.udpnet.engine;

import java.util.Objects;

/** A server application's answer to a connect request: accept with a listener, or reject with a reason. */
public final class Admission {
    private final ConnectionListener listener;
    private final String reason;

    private Admission(ConnectionListener listener, String reason) {
        this.listener = listener;
        this.reason = reason;
    }

    /** Accept; {@code listener} receives the new connection's messages and events. */
    public static Admission accept(ConnectionListener listener) {
        return new Admission(Objects.requireNonNull(listener, "listener"), null);
    }

    /** Reject; the client's connect fails with {@link DisconnectCode#REJECTED} and this text (up to 200 bytes). */
    public static Admission reject(String reason) {
        return new Admission(null, Objects.requireNonNull(reason, "reason"));
    }

    public boolean accepted() {
        return listener != null;
    }

    ConnectionListener listener() {
        return listener;
    }

    String reason() {
        return reason;
    }
}
