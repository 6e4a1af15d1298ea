package io.udpnet.impair;

import io.udpnet.impair.DatagramPool;
import io.udpnet.impair.Link;
import io.udpnet.impair.LinkDropReason;
import io.udpnet.impair.LinkConfig;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;

/**
 * One client mapping of an {@link ImpairmentRelay}: the client's address, its upstream socket towards the target
 * and one {@link Leg} per direction. Owned by the relay's thread.
 */
final class RelayClient {
    static final int TO_SERVER = 0;
    static final int TO_CLIENT = 1;

    final InetSocketAddress address;
    final Leg toServer;
    final Leg toClient;
    DatagramChannel upstream;
    long lastActiveNanos;
    boolean closed;

    /**
     * A new mapping. Its two links draw their seeds from {@code seeds} in arrival order, so the n-th client's
     * random streams do not depend on its (ephemeral) port.
     */
    RelayClient(InetSocketAddress address, InetSocketAddress target, LinkConfig toServerConfig,
            LinkConfig toClientConfig, SplittableRandom seeds, DatagramPool pool, HeldDatagrams held, long nowNanos) {
        this.address = address;
        this.lastActiveNanos = nowNanos;
        toServer = new Leg(this, TO_SERVER, new Link(seeds.nextLong(), address, target, toServerConfig, true, pool),
                held);
        toClient = new Leg(this, TO_CLIENT, new Link(seeds.nextLong(), target, address, toClientConfig, true, pool),
                held);
    }

    /** One direction of a client's path: its link, and where surviving copies go to wait. */
    static final class Leg implements Link.Sink {
        final RelayClient client;
        final int direction;
        final Link link;
        private final HeldDatagrams held;

        Leg(RelayClient client, int direction, Link link, HeldDatagrams held) {
            this.client = client;
            this.direction = direction;
            this.link = link;
            this.held = held;
        }

        @Override
        public void deliverAt(Link l, long atNanos, byte[] data, int length) {
            held.add(this, atNanos, data, length);
        }

        @Override
        public void dropped(Link l, int length, LinkDropReason reason) {
            // The link counts its own drops; they reach the stats through link.stats().
        }
    }
}
