package io.udpnet.messaging;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Decides whether a client that completed the stateless part of the handshake (it proved it receives at its
 * address) becomes a connection of a {@link MessageServer}. Called on an I/O thread; it must not block. If it throws,
 * the client is refused.
 */
@FunctionalInterface
public interface ClientAdmissionPolicy {
    /** Admits every client. */
    ClientAdmissionPolicy ACCEPT_ALL = (client, payload) -> true;

    /**
     * @param client  the client's address
     * @param payload what the client passed to {@code connect} (position..limit; read-only use, valid during the call)
     * @return true to accept the client
     */
    boolean admit(InetSocketAddress client, ByteBuffer payload);
}
