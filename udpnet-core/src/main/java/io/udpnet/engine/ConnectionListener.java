package io.udpnet.engine;

/**
 * Receives what happens on a {@link Connection}: its messages, and the moments it is established and ends. Called on
 * the thread that drives the connection, from inside {@code handleDatagram} or {@code pollTransmit}.
 */
public interface ConnectionListener extends MessageHandler {
    /** The handshake completed: messages flow from now on. */
    default void onConnected(Connection connection) {
    }

    /** The connection ended (or, for a client, never came up); it sends and delivers nothing more. */
    default void onDisconnected(Connection connection, DisconnectReason reason) {
    }
}
