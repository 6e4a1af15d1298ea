package io.udpnet.io;

import java.io.Closeable;
import java.io.IOException;

/**
 * Waits for sockets of one {@link DatagramIo} to become readable, without spinning: a selector for NIO, epoll with
 * an eventfd for the native implementation. Owned by one I/O thread; only {@link #wakeup()} may be called by others.
 */
public interface Poller extends Closeable {

    /** Receives the attachments of ready sockets. */
    @FunctionalInterface
    interface ReadyHandler {
        /**
         * A socket has datagrams or errors to read.
         *
         * @param attachment what the socket was registered with
         */
        void ready(Object attachment);
    }

    /**
     * Watches {@code socket} for readability (and errors).
     *
     * @param socket     a socket of the same {@link DatagramIo}
     * @param attachment handed back when the socket is ready
     * @throws IOException when the socket cannot be watched
     */
    void register(UdpSocket socket, Object attachment) throws IOException;

    /**
     * Stops watching {@code socket}; closing a socket does this too.
     *
     * @param socket the socket
     */
    void deregister(UdpSocket socket);

    /**
     * Waits until a registered socket is ready, {@link #wakeup()} is called, or {@code timeoutNanos} pass, then
     * calls {@code handler} once for each ready socket.
     *
     * @param timeoutNanos 0 to return at once, {@link Long#MAX_VALUE} to wait without limit. Implementations may
     *                     round the wait down (a selector counts milliseconds) but never up
     * @param handler      gets the ready sockets' attachments
     * @return the number of ready sockets handled
     * @throws IOException when waiting fails
     */
    int poll(long timeoutNanos, ReadyHandler handler) throws IOException;

    /** Makes a current or the next {@link #poll} return soon. Any thread. */
    void wakeup();

    /** Releases the poller. Idempotent; never throws. */
    @Override
    void close();
}
