package io.udpnet.engine;

import java.util.Objects;

/** A server application's answer to a connect request: accept with a listener, or reject with a reason. */
public final class Admission {
    private final ConnectionListener listener;
    private final DisconnectCode code;
    private final String reason;

    private Admission(ConnectionListener listener, DisconnectCode code, String reason) {
        this.listener = listener;
        this.code = code;
        this.reason = reason;
    }

    /** Accept; {@code listener} receives the new connection's messages and events. */
    public static Admission accept(ConnectionListener listener) {
        return new Admission(Objects.requireNonNull(listener, "listener"), null, null);
    }

    /** Reject; the client's connect fails with {@link DisconnectCode#REJECTED} and this text (up to 200 bytes). */
    public static Admission reject(String reason) {
        return reject(DisconnectCode.REJECTED, reason);
    }

    /**
     * Reject with another code than {@link DisconnectCode#REJECTED}, such as {@link DisconnectCode#SERVER_FULL} when
     * the application keeps its own limit on connections.
     */
    public static Admission reject(DisconnectCode code, String reason) {
        return new Admission(null, Objects.requireNonNull(code, "code"), Objects.requireNonNull(reason, "reason"));
    }

    /** Whether the client is let in (a listener was given), as opposed to rejected. */
    public boolean accepted() {
        return listener != null;
    }

    ConnectionListener listener() {
        return listener;
    }

    DisconnectCode code() {
        return code;
    }

    String reason() {
        return reason;
    }
}
