package io.udpnet.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** Where a {@link SimNode} puts the datagrams it sends. */
@FunctionalInterface
public interface DatagramOutbox {
    /**
     * Sends the bytes between {@code datagram}'s position and limit to {@code to}. The bytes are copied before the
     * call returns, so the caller may reuse the buffer; its position is left unchanged.
     */
    void send(InetSocketAddress to, ByteBuffer datagram);
}
