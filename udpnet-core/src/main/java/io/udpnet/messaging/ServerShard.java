package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.AdmissionPolicy;
import io.udpnet.engine.Admission;
import io.udpnet.engine.Connection;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.engine.EndpointStats;
import io.udpnet.engine.ServerEndpoint;
import io.udpnet.engine.ServerLimits;
import io.udpnet.io.IoLoop;
import io.udpnet.io.PathError;
import io.udpnet.io.SocketGroup;
import io.udpnet.jfr.UdpnetEvents;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The udpnet protocol on one {@link SocketGroup} of a {@link MessageServer}: the {@link ServerEndpoint} that owns
 * every connection whose datagrams arrive on the group's sockets (the SHARED socket, one SHARDED socket, or the
 * CONNECTED listener with its per-peer sockets). Runs on the group's I/O thread.
 *
 * <p>SHARDED: the kernel routes a client to a socket by its address, so a client that moves (a NAT rebinding) may
 * land on another shard. Every endpoint tags its tokens with its shard index (above the server id, if any), and
 * every shard publishes the tokens of its open connections in a {@link ConcurrentLongSet}. A shard that receives a
 * data datagram tagged for another forwards it there only if that shard has the token, so the connection keeps
 * working, one hop longer, on the shard that owns it; a datagram whose token no shard has (forged, or from before a
 * restart) is handled where it arrived, answered at most with a stateless reset, and never crosses threads. A token
 * is published when the connection is made, before the ACCEPT that tells the client its token is sent, and taken
 * back when the connection ends. The shards share one {@link ServerLimits}, so the challenge and reset rates and the
 * receive memory hold for the server as configured.
 */
final class ServerShard implements SocketGroup.Handler, ConnectionDriver.Owner, AdmissionPolicy {
    private static final System.Logger LOG = System.getLogger("io.udpnet.messaging");
    /** Forwarded datagrams waiting for this shard; beyond, they are dropped and counted. */
    private static final int MAX_FORWARDED = 4096;

    private final MessageServer server;
    private final MessageServerConfig config;
    private final SocketGroup group;
    private final ServerEndpoint endpoint;
    private final int tokenBits;
    /** Low token bits holding the server id; the shard index is above them. */
    private final int idBits;
    private final Housekeeping housekeeping = new Housekeeping();
    private final DrainQueue drains;
    private final AtomicInteger forwardedWaiting = new AtomicInteger();
    /**
     * Tokens of this shard's open connections, written on this shard's thread and read by the other shards' threads
     * to decide on forwarding (12 to 24 bytes a connection); null with one shard, where nothing is forwarded.
     */
    private final ConcurrentLongSet tokens;
    /** Connections that received or sent this turn, observed at its end while path events are recorded. */
    private final List<ConnectionDriver> watched = new ArrayList<>();
    /** Where datagrams go: the group, or a DTLS layer in front of it. */
    private Outlet outlet;

    ServerShard(MessageServer server, SocketGroup group, int shardCount, ServerLimits limits) {
        this.server = server;
        this.config = server.config();
        this.group = group;
        this.drains = new DrainQueue(group.loop());
        this.endpoint = new ServerEndpoint(config.connection(), config.server(), this, new SecureRandom(), limits);
        this.idBits = config.serverIdBits();
        this.tokenBits = idBits + (shardCount == 1 ? 0 : 32 - Integer.numberOfLeadingZeros(shardCount - 1));
        this.tokens = shardCount == 1 ? null : new ConcurrentLongSet();
        endpoint.tokenTag(tokenBits, config.serverId() | group.index() << idBits);
        this.outlet = Outlet.of(group);
    }

    /** Puts a DTLS layer between this shard and its sockets. Before the loop starts. */
    void outlet(Outlet o) {
        this.outlet = o;
    }

    SocketGroup group() {
        return group;
    }

    // ---- input ---------------------------------------------------------------------------------------------------

    @Override
    public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long now) {
        int tag = ServerEndpoint.tagOf(datagram, tokenBits);
        int owner = tag < 0 || (tag & (1 << idBits) - 1) != config.serverId() ? -1 : tag >>> idBits;
        if (owner >= 0 && owner != group.index()) {
            ServerShard target = server.shard(owner);
            if (target != null && target.owns(ServerEndpoint.tokenOf(datagram))) {
                target.forwarded(from, datagram);
                return;
            }
            // No shard has the token: this shard's endpoint counts it and may answer with a stateless reset.
        }
        Connection c = endpoint.connectionOf(datagram);
        if (c != null && c.attachment() instanceof ConnectionDriver mc) {
            boolean full = mc.inboxFull();
            c.pauseReceiving(full);
            if (full) {
                server.counters().inboxDrops.increment();
            }
            watch(mc);
        }
        endpoint.handleDatagram(from, datagram, now);
    }

    /** Whether one of this shard's open connections has {@code token}. Any thread. */
    private boolean owns(long token) {
        return tokens != null && tokens.contains(token);
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
        group.loop().execute(() -> {
            forwardedWaiting.decrementAndGet();
            onDatagram(from, ByteBuffer.wrap(copy), System.nanoTime());
        });
    }

    @Override
    public void onPathError(PathError error) {
        if (error.kind() == PathError.Kind.PORT_UNREACHABLE || error.kind() == PathError.Kind.HOST_UNREACHABLE) {
            Connection c = endpoint.connection(error.peer());
            if (c != null) {
                server.counters().unreachable.increment();
                c.peerUnreachable(System.nanoTime());
            }
        }
        if (error.kind() == PathError.Kind.MESSAGE_TOO_BIG && error.largestDatagram() > 0) {
            Connection c = endpoint.connection(error.peer());
            if (c != null) {
                c.pathTooBig(error.largestDatagram(), System.nanoTime());
                if (c.attachment() instanceof ConnectionDriver mc) {
                    watch(mc);
                }
            }
        }
        // Without an MTU the datagram is simply lost; path MTU discovery learns from the loss of its probe.
    }

    // ---- output --------------------------------------------------------------------------------------------------

    @Override
    public long flush(long now) {
        drains.run();
        long recheck = housekeeping.run(now);
        InetSocketAddress to;
        boolean watching = UdpnetEvents.watchingPaths();
        while ((to = endpoint.pollTransmit(outlet.slot(), now)) != null) {
            outlet.commit(to);
            if (watching && endpoint.connection(to) instanceof Connection c
                    && c.attachment() instanceof ConnectionDriver mc) {
                watch(mc);
            }
        }
        for (int i = 0; i < watched.size(); i++) {
            watched.get(i).observe();
        }
        watched.clear();
        return Math.min(recheck, endpoint.nextDeadline());
    }

    /** Puts a connection on this turn's list for the path events, while they are recorded. */
    private void watch(ConnectionDriver c) {
        if (UdpnetEvents.watchingPaths() && c.watch()) {
            watched.add(c);
        }
    }

    // ---- connections -----------------------------------------------------------------------------------------------

    @Override
    public Admission admit(InetSocketAddress client, ByteBuffer payload) {
        if (server.closing()) {
            return refuse(client, DisconnectCode.REJECTED, "server shutting down");
        }
        try {
            if (!config.admission().admit(client, payload)) {
                return refuse(client, DisconnectCode.REJECTED, "refused by the server");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "admission check threw for " + client + "; refused", e);
            return refuse(client, DisconnectCode.REJECTED, "refused by the server");
        }
        // A client that retried from the same address replaces its own connection (the endpoint closes the old one
        // right after this), so it gets in even at the cap.
        if (!server.reserveConnection(endpoint.connection(client) != null)) {
            return refuse(client, DisconnectCode.SERVER_FULL, "server has " + server.connectionCount()
                    + " connections");
        }
        if (!server.reserveBacklog()) {
            server.releaseConnection();
            return refuse(client, DisconnectCode.REJECTED, "accept backlog full");
        }
        ConnectionDriver c = new ConnectionDriver(this, config.listener(), config.inboxBytes(), server.inboxBudget(), client, MessageConnection.State.OPEN);
        return Admission.accept(c.events());
    }

    private static Admission refuse(InetSocketAddress client, DisconnectCode code, String reason) {
        UdpnetEvents.handshakeRefused(client, code.name(), reason);
        return Admission.reject(code, reason);
    }

    @Override
    public IoLoop loop() {
        return group.loop();
    }

    @Override
    public ConnectionConfig config() {
        return config.connection();
    }

    @Override
    public void established(ConnectionDriver c) {
        if (tokens != null) {
            tokens.add(c.engine().token());
        }
        group.attach(c.remoteAddress());
        outlet.opened(c.remoteAddress(), c);
        server.opened(c.connection());
    }

    @Override
    public void closed(ConnectionDriver c) {
        if (tokens != null && c.engine() != null) {
            tokens.remove(c.engine().token());
        }
        group.detach(c.remoteAddress());
        outlet.ended(c.remoteAddress(), c);
        server.closed(c.connection());
    }

    @Override
    public void addressChanged(ConnectionDriver c, InetSocketAddress previous) {
        group.detach(previous);
        group.attach(c.remoteAddress());
    }

    @Override
    public void stalled(ConnectionDriver c) {
        housekeeping.stalled(c);
    }

    @Override
    public void lingering(ConnectionDriver c) {
        housekeeping.lingering(c);
    }

    @Override
    public void requestDrain(ConnectionDriver c) {
        drains.request(c);
    }

    /** Closes every connection (they say goodbye now), sends what is due, and stops the loop. I/O thread. */
    void shutdown() {
        endpoint.close();
        long now = System.nanoTime();
        InetSocketAddress to;
        while ((to = endpoint.pollTransmit(outlet.slot(), now)) != null) {
            outlet.commit(to);
        }
        group.flushOut();
        group.loop().stop();
    }

    /**
     * The secure layer under the connection with {@code peer} ended (close_notify, an alert, a failure): the
     * connection ends too, sending nothing, since nothing can reach the peer any more.
     */
    void securityEnded(InetSocketAddress peer, DisconnectCode code, String reason) {
        Connection c = endpoint.connection(peer);
        if (c != null) {
            c.abort(code, reason);
        }
    }

    /** The connection (connecting or open) with {@code peer}, or null. */
    Object connectionAt(InetSocketAddress peer) {
        return endpoint.connection(peer);
    }

    EndpointStats endpointStats() {
        return endpoint.stats();
    }

    int connectionCount() {
        return endpoint.connectionCount();
    }

    @Override
    public void stopped() {
        // Every connection the endpoint still has (a server's is established as it is made) ends here.
        for (Connection engine : endpoint.connections()) {
            if (engine.attachment() instanceof ConnectionDriver c) {
                c.terminate("the server's I/O thread stopped");
            }
        }
    }
}
