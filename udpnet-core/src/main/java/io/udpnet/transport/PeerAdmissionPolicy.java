package io.udpnet.transport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Decides, before any session state exists, whether a datagram from an unknown peer may open a session. This is
 * where a protocol checks a cookie: it may answer statelessly with {@link UdpServer#sendTo} and refuse, so that a
 * spoofed flood costs the server no memory. Called on an I/O thread for every datagram from an address that has no
 * session; keep it fast. If it throws, the peer is refused.
 */
@FunctionalInterface
public interface PeerAdmissionPolicy {

    /** The decision of a {@link PeerAdmissionPolicy}. */
    enum Verdict {
        /** Open a session and deliver this datagram to it. */
        ACCEPT,
        /** Drop the datagram (counted as {@link DatagramDropReason#REFUSED}) and create nothing. */
        REFUSE
    }

    /** A filter that accepts every peer. */
    PeerAdmissionPolicy ACCEPT_ALL = (source, datagram, server) -> Verdict.ACCEPT;

    /**
     * Judges a datagram from a peer without a session.
     *
     * @param source the peer's address
     * @param datagram the datagram between position and limit; read-only and valid only during the call
     * @param server the server, for stateless replies through {@link UdpServer#sendTo}
     * @return whether to open a session
     */
    Verdict admit(InetSocketAddress source, ByteBuffer datagram, UdpServer server);
}
