package io.udpnet.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Something that sends and receives datagrams inside a {@link Simulation}: typically a sans-IO protocol engine
 * wrapped in a few lines. All times are nanoseconds on the simulation's virtual clock.
 *
 * <p>The simulation calls {@link #poll} after every datagram it delivers to the node, whenever the node's
 * {@linkplain #nextDeadline() deadline} is reached, and after every scheduled action; the node sends whatever is
 * due through the outbox it is given. A node is not polled when it is added: to send first, it reports a deadline.
 *
 * <p>A node is polled for its deadline at most once per virtual instant. A deadline at or before the instant of the
 * node's last poll is served the next time the clock moves for some other reason, so a node whose deadline stays in
 * the past slows nothing down and cannot hang the simulation; see {@link Simulation}.
 */
public interface SimNode {

    /**
     * A datagram arrived. The buffer's position..limit hold the datagram; it is only valid during the call (its
     * memory is reused afterwards), so copy anything that must outlive it. The node may modify it.
     */
    void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos);

    /** Handles due timers and sends whatever is ready through {@code outbox}. */
    void poll(long nowNanos, DatagramOutbox outbox);

    /** The next time this node wants {@link #poll} called, or {@link Long#MAX_VALUE} for none. */
    long nextDeadline();
}
