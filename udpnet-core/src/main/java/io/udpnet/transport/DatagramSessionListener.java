package io.udpnet.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Event-driven handling of one session's traffic, returned by a {@link UdpServerListener}. Calls for one session are
 * serialised (never concurrent), but may come from different server threads. They run on I/O threads: keep them
 * short and never block, or hand the work to another thread.
 */
public interface DatagramSessionListener {

    /**
     * A datagram arrived from the session's peer.
     *
     * @param session the session
     * @param datagram the datagram between position and limit; read-only and valid only during the call
     */
    void onDatagram(DatagramSession session, ByteBuffer datagram);

    /**
     * An I/O error hit the session (for example ICMP port unreachable); {@link #onClosed} follows.
     *
     * @param session the session
     * @param error the error
     */
    default void onError(DatagramSession session, IOException error) {
    }

    /**
     * The session closed. Called once, on the thread that closed it.
     *
     * @param session the session
     * @param reason why it closed
     */
    default void onClosed(DatagramSession session, SessionCloseReason reason) {
    }
}
