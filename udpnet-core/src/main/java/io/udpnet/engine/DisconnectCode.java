package io.udpnet.engine;

/** Why a connection ended or was refused. The wire value travels in DISCONNECT packets and REJECT datagrams. */
public enum DisconnectCode {
    /** The application closed the connection. */
    APPLICATION(0),
    /** Nothing was received for the idle time-out (decided locally, never sent). */
    TIMED_OUT(1),
    /** The peer sent something the protocol forbids. */
    PROTOCOL_VIOLATION(2),
    /** The server has its maximum number of connections. */
    SERVER_FULL(3),
    /** The server's application refused the connect request. */
    REJECTED(4),
    /** No protocol version both ends speak. */
    VERSION_MISMATCH(5),
    /** The two ends configure different channels or limits ({@code ConnectionConfig#sharedSettings}). */
    CONFIG_MISMATCH(6),
    /** The server is shutting down. */
    SHUTDOWN(7),
    /** The same client connected again from the same address; the old connection was replaced. */
    REPLACED(8),
    /** The server did not answer within the connect time-out (decided locally, never sent). */
    CONNECT_TIMED_OUT(9),
    /** The network reported the peer unreachable (ICMP port unreachable; decided locally, never sent). */
    UNREACHABLE(10),
    /**
     * The server answered with a stateless reset: it no longer knows the connection (it restarted or lost its state;
     * decided locally from the reset's proof, never sent as a code).
     */
    RESET(11),
    /** A code this version does not know. */
    UNKNOWN(255);

    private final int wire;

    DisconnectCode(int wire) {
        this.wire = wire;
    }

    /** The code's byte on the wire. */
    public int wire() {
        return wire;
    }

    /** The code for a wire value; {@link #UNKNOWN} for values this version does not define. */
    public static DisconnectCode fromWire(int value) {
        for (DisconnectCode c : values()) {
            if (c.wire == value) {
                return c;
            }
        }
        return UNKNOWN;
    }
}
