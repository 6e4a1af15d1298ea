package io.udpnet.engine;

import java.net.InetSocketAddress;

/**
 * Receives what happens on a {@link Connection}: its messages, and the moments it is established and ends. Called on
 * the thread that drives the connection, from inside {@code handleDatagram} or {@code pollTransmit}.
 */
public interface ConnectionListener extends MessageListener {
    /** The handshake completed: messages flow from now on. */
    default void onConnected(Connection connection) {
    }

    /**
     * Server side: the peer proved it now receives at a new address (its NAT rebound, say), and the connection
     * sends there from now on; {@link Connection#remoteAddress()} tells the new one.
     */
    default void onAddressChanged(Connection connection, InetSocketAddress previous) {
    }

    /**
     * The connection went quiet and let go of its buffers (nothing queued or received for half the keep-alive
     * interval, nothing in flight): a layer above may let go of what it holds per connection too. Once per quiet
     * spell; the next message makes what it needs again.
     */
    default void onIdle(Connection connection) {
    }

    /** The connection ended (or, for a client, never came up); it sends and delivers nothing more. */
    default void onDisconnected(Connection connection, DisconnectReason reason) {
    }
}
