package io.udpnet.transport;

/** Why a received datagram was dropped by the server instead of reaching a session. Each drop is counted. */
public enum DatagramDropReason {
    /**
     * The session's bounded receive queue was full (or, rarely, the bounded buffer holding other peers' datagrams
     * during a CONNECTED-mode hand-off).
     */
    QUEUE_FULL,
    /** The datagram came from a new peer while the server already held its maximum number of sessions. */
    SESSION_LIMIT,
    /** The {@link PeerAdmissionPolicy} refused the new peer (or threw). */
    REFUSED,
    /** The new peer would have been accepted, but the queue of sessions waiting for {@code accept()} was full. */
    BACKLOG_FULL,
    /** The datagram was larger than the configured maximum datagram size. */
    OVERSIZE,
    /**
     * The session was closed between routing the datagram and delivering it, the server was closing, or the
     * datagram was still unread in the session's queue when the session closed.
     */
    SESSION_CLOSED,
    /** An I/O error while receiving, or an exception thrown by a {@link DatagramSessionListener} while handling it. */
    ERROR,
    /**
     * DTLS only: a datagram from a peer without a session or handshake that is not a whole, well-formed ClientHello
     * (or is smaller than the HelloVerifyRequest that would answer it).
     */
    DTLS_REJECTED,
    /** DTLS only: a cookieless ClientHello beyond the HelloVerifyRequest rate limit. */
    DTLS_RATE_LIMITED,
    /** DTLS only: a client proved its address while the most handshakes allowed were in progress. */
    HANDSHAKE_LIMIT,
    /** DTLS only: a record of a session or handshake that failed its MAC, was replayed, or was malformed. */
    DTLS_INVALID_RECORD
}
