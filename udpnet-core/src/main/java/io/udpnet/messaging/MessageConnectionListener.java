package io.udpnet.messaging;

import io.udpnet.engine.DisconnectReason;

import java.nio.ByteBuffer;

/**
 * Event-driven use of connections: called on the connection's I/O thread, so it must not block (hand long work to
 * another thread). A connection with a listener delivers its messages here and not to
 * {@link MessageConnection#receive}.
 */
public interface MessageConnectionListener {
    /** The connection is established: a server's new connection, or a client's completed handshake. */
    default void onConnected(MessageConnection connection) {
    }

    /**
     * A message arrived on {@code channel}, between {@code message}'s position and limit. The buffer is only valid
     * during the call and must not be changed: copy what you keep. Sending from here is allowed.
     */
    void onMessage(MessageConnection connection, int channel, ByteBuffer message);

    /** The connection ended; nothing more is sent or delivered. */
    default void onClosed(MessageConnection connection, DisconnectReason reason) {
    }
}
