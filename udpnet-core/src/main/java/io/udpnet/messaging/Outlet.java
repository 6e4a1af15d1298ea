package io.udpnet.messaging;

import io.udpnet.io.SocketGroup;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Where a {@link ServerShard} writes its datagrams: straight into its socket group, or through a DTLS association
 * per peer ({@link SecureShard}). Loop thread only.
 */
interface Outlet {
    /** @return the buffer to write the next datagram into (from index 0, left flipped), then {@link #commit} */
    ByteBuffer slot();

    /** Sends the datagram written into {@link #slot()} to {@code to}. */
    void commit(InetSocketAddress to);

    /** The udpnet connection {@code owner} with {@code peer} is established. */
    default void opened(InetSocketAddress peer, Object owner) {
    }

    /** The udpnet connection {@code owner} with {@code peer} ended. */
    default void ended(InetSocketAddress peer, Object owner) {
    }

    /** The plain outlet: the group's own slots. */
    static Outlet of(SocketGroup group) {
        return new Outlet() {
            @Override
            public ByteBuffer slot() {
                return group.slot();
            }

            @Override
            public void commit(InetSocketAddress to) {
                group.commit(to);
            }
        };
    }
}
