package io.udpnet.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Something that sends and receives datagrams inside a {@link Simulation}: typically a sans-IO protocol engine
 * wrapped in a few lines. All times are nanoseconds on the simulation's virtual clock.
 *
 * <p>The simulation calls {@link #poll} after every datagram it delivers to the node, whenever the node's
 * {@linkplain #nextDeadline() deadline} is reached, and after every scheduled action; the node sends whatever is
 * due through the outbox it is given.
 */
public interface SimNode {

    /**
     * A datagram arrived. The buffer's position..limit hold the datagram; it is only valid during the call.
     */
    void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos);

    /** Handles due timers and sends whatever is ready through {@code outbox}. */
    void poll(long nowNanos, DatagramOutbox outbox);

    /** The next time this node wants {@link #poll} called, or {@link Long#MAX_VALUE} for none. */
    long nextDeadline();
}
