package io.udpnet.messaging;

import io.udpnet.ServerConfig;
import io.udpnet.internal.Sockets;
import io.udpnet.engine.Acceptor;
import io.udpnet.engine.Admission;
import io.udpnet.engine.Connection;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.engine.EndpointStats;
import io.udpnet.engine.ServerEndpoint;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.WireFormat;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One I/O thread of a {@link MessageServer}: one socket (the SHARED socket, one SHARDED socket, or the CONNECTED
 * listener with its per-peer sockets) and the {@link ServerEndpoint} that owns every connection whose datagrams
 * arrive on it.
 *
 * <p>SHARDED: the kernel routes a client to a socket by its address, so a client that moves (a NAT rebinding) may
 * land on another shard. Every endpoint tags its tokens with its shard index; a shard that receives a data datagram
 * tagged for another forwards it there, so the connection keeps working, one hop longer, on the shard that owns it.
 */
final class ServerShard implements IoLoop.Driver, MessageConnection.Owner, Acceptor {
    private static final System.Logger LOG = System.getLogger("io.udpnet.messaging");
    /** Datagrams read per readable event before timers and other sockets get their turn. */
    private static final int READ_BATCH = 64;
    /** Forwarded datagrams waiting for this shard; beyond, they are dropped and counted. */
    private static final int MAX_FORWARDED = 4096;

    private final MessageServer server;
    private final MessageServerConfig config;
    private final int index;
    private final IoLoop loop;
    private final DatagramChannel socket;
    private final ServerEndpoint endpoint;
    private final ConnectedPeers connected;
    private final ByteBuffer in;
    private final ByteBuffer out;
    private final int tokenBits;
    private final Housekeeping housekeeping = new Housekeeping();
    /** Datagrams found on a per-peer socket before it was connected; routed once the current one is done. */
    private final ArrayDeque<Stray> strays = new ArrayDeque<>();
    /** Established connections not yet closed, ended by {@link #stopped()} should the loop stop with them open. */
    private final Set<MessageConnection> live = new HashSet<>();
    private final AtomicInteger forwardedWaiting = new AtomicInteger();
    private boolean routing;

    ServerShard(MessageServer server, int index, int shardCount, IoLoop loop, DatagramChannel socket,
                boolean connectedMode) throws IOException {
        this.server = server;
        this.config = server.config();
        this.index = index;
        this.loop = loop;
        this.socket = socket;
        this.endpoint = new ServerEndpoint(config.connection(), share(config.server(), shardCount), this,
                new SecureRandom());
        this.tokenBits = shardCount == 1 ? 0 : 32 - Integer.numberOfLeadingZeros(shardCount - 1);
        endpoint.tokenTag(tokenBits, index);
        this.connected = connectedMode ? new ConnectedPeers(this, config, socket.getLocalAddress()) : null;
        int size = config.connection().maxDatagramSize();
        this.in = ByteBuffer.allocate(size + 1);
        this.out = ByteBuffer.allocate(size);
        socket.register(loop.selector(), SelectionKey.OP_READ);
    }

    IoLoop loop() {
        return loop;
    }

    // ---- input ---------------------------------------------------------------------------------------------------

    @Override
    public void readable(SelectionKey key) {
        if (key.attachment() instanceof ConnectedPeers.Peer peer) {
            connected.read(peer, in);
            return;
        }
        for (int i = 0; i < READ_BATCH; i++) {
            in.clear();
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) socket.receive(in);
            } catch (IOException e) {
                server.counters().receiveErrors.increment();
                LOG.log(Level.DEBUG, "receive failed", e);
                return;
            }
            if (from == null) {
                return;
            }
            in.flip();
            route(from, in);
        }
    }

    /** Routes one datagram (position..limit) that came from {@code from}. */
    void route(InetSocketAddress from, ByteBuffer datagram) {
        if (datagram.remaining() > config.connection().maxDatagramSize()) {
            server.counters().oversize.increment();
            return;
        }
        long now = System.nanoTime();
        if (datagram.remaining() >= DataHeader.OVERHEAD
                && (datagram.get(DataHeader.KIND_OFFSET) & 0xFF) == WireFormat.KIND_DATA) {
            long token = datagram.getLong(DataHeader.TOKEN_OFFSET);
            int owner = (int) (token & ((1L << tokenBits) - 1));
            ServerShard target = owner == index ? this : server.shard(owner);
            if (target != this && target != null) {
                target.forwarded(from, datagram);
                return;
            }
            Connection c = endpoint.connection(token);
            if (c != null && c.attachment() instanceof MessageConnection mc) {
                boolean full = mc.inboxFull();
                c.pauseReceiving(full);
                if (full) {
                    server.counters().inboxDrops.increment();
                }
            }
        }
        routing = true;
        try {
            endpoint.handleDatagram(from, datagram, now);
        } finally {
            routing = false;
        }
        Stray s;
        while ((s = strays.pollFirst()) != null) {
            route(s.from(), ByteBuffer.wrap(s.data()));
        }
    }

    /** A datagram for one of this shard's connections arrived on another shard's socket. Any thread. */
    private void forwarded(InetSocketAddress from, ByteBuffer datagram) {
        if (forwardedWaiting.incrementAndGet() > MAX_FORWARDED) {
            forwardedWaiting.decrementAndGet();
            server.counters().forwardDrops.increment();
            return;
        }
        byte[] copy = new byte[datagram.remaining()];
        datagram.get(copy);
        server.counters().forwarded.increment();
        loop.execute(() -> {
            forwardedWaiting.decrementAndGet();
            route(from, ByteBuffer.wrap(copy));
        });
    }

    /** A datagram drained from a per-peer socket before it was connected: routed after the current one. */
    void stray(InetSocketAddress from, byte[] data) {
        if (routing) {
            strays.addLast(new Stray(from, data));
        } else {
            route(from, ByteBuffer.wrap(data));
        }
    }

    /** The network reported {@code peer} unreachable: its connection ends soon unless it hears from the peer. */
    void unreachable(InetSocketAddress peer) {
        Connection c = endpoint.connection(peer);
        if (c != null) {
            server.counters().unreachable.increment();
            c.peerUnreachable(System.nanoTime());
        }
    }

    // ---- output --------------------------------------------------------------------------------------------------

    @Override
    public long flush(long now) {
        long recheck = housekeeping.run(now);
        InetSocketAddress to;
        while ((to = endpoint.pollTransmit(out, now)) != null) {
            send(to, out);
        }
        return Math.min(recheck, endpoint.nextDeadline());
    }

    private void send(InetSocketAddress to, ByteBuffer datagram) {
        DatagramChannel own = connected == null ? null : connected.channel(to);
        try {
            int n = own != null ? own.write(datagram) : socket.send(datagram, to);
            if (n == 0) {
                server.counters().sendDrops.increment();   // socket buffer full: as if lost on the way
            }
        } catch (PortUnreachableException e) {
            unreachable(to);
        } catch (IOException e) {
            server.counters().sendErrors.increment();
            LOG.log(Level.DEBUG, "send to " + to + " failed", e);
        }
    }

    /**
     * The endpoint settings of one of {@code shards}: an equal part of the receive memory, so that the shards together
     * keep to the configured total without sharing a counter across threads. The connection cap is kept for the
     * whole server in {@link #admit}.
     */
    private static ServerConfig share(ServerConfig server, int shards) {
        return shards == 1 ? server : server.toBuilder()
                .receiveMemoryBytes(Math.max(64 << 10, server.receiveMemoryBytes() / shards)).build();
    }

    // ---- connections -----------------------------------------------------------------------------------------------

    @Override
    public Admission admit(InetSocketAddress client, ByteBuffer payload) {
        if (server.closing()) {
            return Admission.reject("server shutting down");
        }
        try {
            if (!config.admission().test(client, payload)) {
                return Admission.reject("refused by the server");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "admission check threw for " + client + "; refused", e);
            return Admission.reject("refused by the server");
        }
        if (!server.reserveConnection()) {
            return Admission.reject(DisconnectCode.SERVER_FULL, "server has " + server.connectionCount()
                    + " connections");
        }
        if (!server.reserveBacklog()) {
            server.releaseConnection();
            return Admission.reject("accept backlog full");
        }
        MessageConnection c = new MessageConnection(loop, this, config.connection(), config.listener(),
                config.inboxBytes(), server.inboxBudget(), client, MessageConnection.State.OPEN);
        return Admission.accept(c.events());
    }

    @Override
    public void established(MessageConnection c) {
        live.add(c);
        if (connected != null) {
            connected.attach(c.remoteAddress());
        }
        server.opened(c);
    }

    @Override
    public void closed(MessageConnection c) {
        live.remove(c);
        if (connected != null) {
            connected.detach(c.remoteAddress());
        }
        server.closed(c);
    }

    @Override
    public void addressChanged(MessageConnection c, InetSocketAddress previous) {
        if (connected != null) {
            connected.detach(previous);
            connected.attach(c.remoteAddress());
        }
    }

    @Override
    public void stalled(MessageConnection c) {
        housekeeping.stalled(c);
    }

    @Override
    public void lingering(MessageConnection c) {
        housekeeping.lingering(c);
    }

    /** Closes every connection (they say goodbye now), sends what is due, and stops the loop. I/O thread. */
    void shutdown() {
        endpoint.close();
        long now = System.nanoTime();
        InetSocketAddress to;
        while ((to = endpoint.pollTransmit(out, now)) != null) {
            send(to, out);
        }
        loop.stop();
    }

    EndpointStats endpointStats() {
        return endpoint.stats();
    }

    int connectionCount() {
        return endpoint.connectionCount();
    }

    @Override
    public void stopped() {
        for (MessageConnection c : List.copyOf(live)) {
            c.terminate("the server's I/O thread stopped");
        }
        if (connected != null) {
            connected.closeAll();
        }
        Sockets.closeQuietly(socket);
    }

    private record Stray(InetSocketAddress from, byte[] data) {
    }
}
