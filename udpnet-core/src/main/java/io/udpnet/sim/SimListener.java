package io.udpnet.sim;

import io.udpnet.impair.LinkDropReason;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Observes the datagrams moving through a {@link Simulation}, for tracing and debugging. Every method has an empty
 * default, so an implementation overrides only what it needs. Install one with {@link Simulation#setListener}.
 *
 * <p>Buffers passed to the listener are read-only views valid only during the call. A listener must not call back
 * into the simulation's run methods.
 */
public interface SimListener {

    /** {@code from} sent {@code datagram} to {@code to} at {@code nowNanos}, before the link acts on it. */
    default void sent(long nowNanos, InetSocketAddress from, InetSocketAddress to, ByteBuffer datagram) {
    }

    /** A datagram copy is about to be handed to the node at {@code to}. */
    default void delivered(long nowNanos, InetSocketAddress from, InetSocketAddress to, ByteBuffer datagram) {
    }

    /** A datagram of {@code length} bytes from {@code from} to {@code to} was discarded. */
    default void dropped(long nowNanos, InetSocketAddress from, InetSocketAddress to, int length,
            LinkDropReason reason) {
    }
}
