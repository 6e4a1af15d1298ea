package io.udpnet.transport;

/**
 * Receives new sessions in event-driven use, instead of {@link UdpServer#accept()}. Called on an I/O thread before
 * the peer's first datagram is delivered, so the returned handler sees every datagram; keep it short. With DTLS, a
 * peer becomes a session when its handshake completes.
 */
@FunctionalInterface
public interface UdpServerListener {

    /**
     * A new peer became a session.
     *
     * @param session the new session; it may be used (sent on, closed) from inside this call
     * @return the handler for the session's datagrams, or {@code null} to read them with
     *         {@link DatagramSession#receive} instead
     */
    DatagramSessionListener sessionOpened(DatagramSession session);
}
