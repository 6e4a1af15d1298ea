package io.udpnet.messaging;

import io.udpnet.internal.Sockets;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.HashMap;
import java.util.Map;

/**
 * CONNECTED mode of a {@link MessageServer}: gives each connection, up to a cap, its own socket connected to the
 * client, on the listener's port. The kernel then delivers that client's datagrams to its socket, and the socket
 * reports ICMP port unreachable, which ends the connection at once instead of after the idle time-out.
 *
 * <p>The hand-off follows the raw level's (see {@code io.udpnet.transport.ConnectedSockets}): the listener sets
 * only SO_REUSEADDR and the per-peer sockets SO_REUSEADDR and SO_REUSEPORT, so that a per-peer socket between bind
 * and connect catches no other client's datagrams; it is still drained by hand before connect, because the JDK's
 * connect discards what a socket holds, and whatever it held is routed like any other datagram. Connections beyond
 * the cap are served through the listener. All on the shard's I/O thread.
 */
final class ConnectedPeers {
    private static final System.Logger LOG = System.getLogger("io.udpnet.messaging");

    /** A per-peer socket, attached to its selection key. */
    record Peer(DatagramChannel channel, InetSocketAddress address) {
    }

    private final ServerShard shard;
    private final MessageServerConfig config;
    private final SocketAddress local;
    private final boolean reusePort = Sockets.supportsReusePort();
    private final Map<InetSocketAddress, Peer> peers = new HashMap<>();

    ConnectedPeers(ServerShard shard, MessageServerConfig config, SocketAddress local) {
        this.shard = shard;
        this.config = config;
        this.local = local;
    }

    /** Opens a connected socket for {@code address}, unless the cap is reached (then the listener serves it). */
    void attach(InetSocketAddress address) {
        if (peers.size() >= config.maxConnectedSockets() || peers.containsKey(address)) {
            return;
        }
        DatagramChannel ch = null;
        try {
            ch = Sockets.open(config.socketBufferBytes(), config.socketBufferBytes(), true, reusePort);
            ch.configureBlocking(false);
            ch.bind(local);
            drain(ch);
            ch.connect(address);
            Peer peer = new Peer(ch, address);
            ch.register(shard.loop().selector(), SelectionKey.OP_READ, peer);
            peers.put(address, peer);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "no connected socket for " + address + "; served through the listener", e);
            Sockets.closeQuietly(ch);
        }
    }

    /** Empties a not-yet-connected socket, handing what it caught to the shard's router. */
    private void drain(DatagramChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(config.connection().maxDatagramSize() + 1);
        InetSocketAddress from;
        while ((from = (InetSocketAddress) ch.receive(buf)) != null) {
            buf.flip();
            byte[] data = new byte[buf.remaining()];
            buf.get(data);
            shard.stray(from, data);
            buf.clear();
        }
    }

    /** The connected socket of {@code address}, or null when it is served by the listener. */
    DatagramChannel channel(InetSocketAddress address) {
        Peer p = peers.get(address);
        return p == null ? null : p.channel();
    }

    void detach(InetSocketAddress address) {
        Peer p = peers.remove(address);
        if (p != null) {
            Sockets.closeQuietly(p.channel());
        }
    }

    /** Reads what a per-peer socket holds and routes it; ICMP port unreachable ends the peer's connection. */
    void read(Peer peer, ByteBuffer in) {
        for (int i = 0; i < 64; i++) {
            in.clear();
            int n;
            try {
                n = peer.channel().read(in);
            } catch (PortUnreachableException e) {
                shard.unreachable(peer.address());
                return;
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "read from " + peer.address() + " failed", e);
                return;
            }
            if (n <= 0) {
                return;
            }
            in.flip();
            shard.route(peer.address(), in);
        }
    }

    int size() {
        return peers.size();
    }

    void closeAll() {
        peers.values().forEach(p -> Sockets.closeQuietly(p.channel()));
        peers.clear();
    }
}
