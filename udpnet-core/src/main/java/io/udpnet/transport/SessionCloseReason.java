package io.udpnet.transport;

/** Why a {@link DatagramSession} was closed. */
public enum SessionCloseReason {
    /** The application called {@link DatagramSession#close()}. */
    LOCAL_CLOSE,
    /** No datagram arrived from the peer within the configured idle time-out. */
    IDLE_TIMEOUT,
    /** The server was closed. */
    SERVER_CLOSED,
    /** The peer's host reported (ICMP) that nothing listens on the peer's port. Only connected sockets see this. */
    PORT_UNREACHABLE,
    /** Another I/O error on the session's own socket, or the {@link UdpServerListener} threw for this session. */
    IO_ERROR,
    /** DTLS only: the peer closed the session (close_notify), or sent a new ClientHello from the same address. */
    PEER_CLOSED,
    /** DTLS only: the peer sent a fatal alert, or the session's records could no longer be processed. */
    SECURITY_ERROR
}
