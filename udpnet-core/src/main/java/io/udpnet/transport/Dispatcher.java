package io.udpnet.transport;

import io.udpnet.dtls.DtlsPeer;
import io.udpnet.dtls.DtlsServerContext;
import io.udpnet.io.PathError;
import io.udpnet.io.SocketGroup;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes datagrams to sessions by source address and turns admitted new peers into sessions: the raw level's
 * demultiplexer over every {@link SocketGroup} of the server. In CONNECTED mode a new session gets its own socket
 * from its group ({@link SocketGroup#attach}); the I/O layer routes whatever that socket caught before it was
 * connected back here by source, so nothing is lost in the hand-off.
 *
 * <p>A peer's datagrams are always routed by one thread (its group's), so the check-then-create of a new session
 * cannot race with itself: a retransmitted first datagram finds the session created by the first one.
 */
final class Dispatcher {
    private static final System.Logger LOG = System.getLogger("io.udpnet.transport");

    private final UdpServerConfig config;
    private final Counters counters;
    /** The DTLS layer, or null for plain datagrams. */
    private final DtlsServerContext dtls;
    private final ConcurrentHashMap<InetSocketAddress, DatagramSession> sessions = new ConcurrentHashMap<>();
    /** Sessions waiting for accept(); null in listener style. */
    private final ClosableQueue<DatagramSession> acceptQueue;
    private volatile UdpServer server;
    private volatile boolean closed;

    Dispatcher(UdpServerConfig config, Counters counters, DtlsServerContext dtls) {
        this.config = config;
        this.counters = counters;
        this.dtls = dtls;
        this.acceptQueue = config.sessionListener() == null ? new ClosableQueue<>(config.acceptBacklog()) : null;
    }

    void init(UdpServer server) {
        this.server = server;
    }

    /** The handler of one socket group: routes its datagrams here; the raw level sends at once, never on flush. */
    SocketGroup.Handler handlerFor(SocketGroup group) {
        if (dtls != null) {
            return new SecureGate(this, group, dtls);
        }
        return new SocketGroup.Handler() {
            @Override
            public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long now) {
                dispatch(from, datagram, group);
            }

            @Override
            public void onPathError(PathError error) {
                pathError(error);
            }

            @Override
            public long flush(long now) {
                return Long.MAX_VALUE;
            }

            @Override
            public void stopped() {
            }
        };
    }

    Counters counters() {
        return counters;
    }

    UdpServerConfig config() {
        return config;
    }

    ClosableQueue<DatagramSession> acceptQueue() {
        return acceptQueue;
    }

    Collection<DatagramSession> sessions() {
        return sessions.values();
    }

    DatagramSession session(InetSocketAddress peer) {
        return sessions.get(peer);
    }

    DtlsServerContext dtls() {
        return dtls;
    }

    /** Routes a datagram (position..limit) that {@code via}'s sockets received from {@code from}. */
    private void dispatch(InetSocketAddress from, ByteBuffer datagram, SocketGroup via) {
        DatagramSession session = sessions.get(from);
        if (session != null) {
            session.deliver(datagram);
        } else {
            newPeer(from, datagram, via);
        }
    }

    /** ICMP port unreachable (or a refused send) about a peer closes its session; other errors are only counted. */
    void pathError(PathError error) {
        if (error.kind() != PathError.Kind.PORT_UNREACHABLE) {
            return;
        }
        DatagramSession session = sessions.get(error.peer());
        if (session != null) {
            session.fail(SessionCloseReason.PORT_UNREACHABLE,
                    new java.net.PortUnreachableException("ICMP port unreachable from " + error.peer()));
        }
    }

    private void newPeer(InetSocketAddress from, ByteBuffer datagram, SocketGroup via) {
        DatagramDropReason refusal = refusalOfNewPeer(from, datagram);
        if (refusal != null) {
            counters.drop(refusal);
            return;
        }
        DatagramSession session = createSession(from, via, null);
        if (session == null) {
            return;
        }
        session.deliver(datagram);
        finishSession(session, from, via);
    }

    /**
     * Why a new peer would be refused now (closed server, session limit, full backlog, admission policy), or null.
     * The DTLS gate asks this once the peer proved its address, before it makes an engine.
     */
    DatagramDropReason refusalOfNewPeer(InetSocketAddress from, ByteBuffer datagram) {
        if (closed) {
            return DatagramDropReason.SESSION_CLOSED;
        }
        if (counters.activeSessions.get() >= config.maxSessions()) {
            return DatagramDropReason.SESSION_LIMIT;
        }
        if (acceptQueue != null && acceptQueue.isFull()) {
            return DatagramDropReason.BACKLOG_FULL;
        }
        if (!admitted(from, datagram)) {
            return DatagramDropReason.REFUSED;
        }
        return null;
    }

    /**
     * A DTLS handshake completed: the peer becomes a session now, carrying its association. When it can no longer
     * be admitted (limits reached during the handshake), the association is closed with close_notify.
     */
    void newSecurePeer(InetSocketAddress from, DtlsPeer peer, SocketGroup via, List<byte[]> early) {
        if (closed || counters.activeSessions.get() >= config.maxSessions()
                || (acceptQueue != null && acceptQueue.isFull())) {
            counters.drop(closed ? DatagramDropReason.SESSION_CLOSED : DatagramDropReason.SESSION_LIMIT);
            peer.close(new DtlsPeer.Output() {
                @Override
                public void transmit(ByteBuffer datagram) {
                    via.send(from, datagram);
                }

                @Override
                public void plaintext(ByteBuffer data) {
                }
            });
            dtls.release(peer);
            return;
        }
        DatagramSession session = createSession(from, via, peer);
        if (session == null) {
            return;
        }
        for (byte[] d : early) {
            session.deliver(ByteBuffer.wrap(d));
        }
        finishSession(session, from, via);
    }

    /** Makes and registers a session; null (counted) when the slot is gone or the listener closed it at once. */
    private DatagramSession createSession(InetSocketAddress from, SocketGroup via, DtlsPeer peer) {
        // Several shard threads may admit at once: reserve the slot atomically so the cap is never exceeded.
        if (!reserveSessionSlot()) {
            counters.drop(DatagramDropReason.SESSION_LIMIT);
            if (peer != null) {
                dtls.release(peer);
            }
            return null;
        }
        DatagramSession session = new DatagramSession(this, from, via,
                peer == null ? null : new SecureChannel(peer, via, from, counters));
        counters.sessionsOpened.increment();
        sessions.put(from, session);
        if (acceptQueue == null && !installHandler(session)) {
            return null;
        }
        return session;
    }

    private void finishSession(DatagramSession session, InetSocketAddress from, SocketGroup via) {
        if (session.isOpen()) {
            via.attach(from);
        }
        if (acceptQueue != null && !acceptQueue.offer(session)) {
            // Only when the server closed meanwhile: the backlog was checked above and only this thread fills it.
            session.closeWith(SessionCloseReason.SERVER_CLOSED, null);
        }
    }

    private boolean reserveSessionSlot() {
        while (true) {
            int n = counters.activeSessions.get();
            if (n >= config.maxSessions()) {
                return false;
            }
            if (counters.activeSessions.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private boolean admitted(InetSocketAddress from, ByteBuffer datagram) {
        try {
            return config.peerFilter().admit(from, datagram.asReadOnlyBuffer(), server) == PeerAdmissionPolicy.Verdict.ACCEPT;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "peer filter threw for " + from + "; peer refused", e);
            return false;
        }
    }

    private boolean installHandler(DatagramSession session) {
        try {
            session.installHandler(config.sessionListener().sessionOpened(session));
            return session.isOpen();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "session listener threw for " + session.remoteAddress() + "; session closed", e);
            session.closeWith(SessionCloseReason.IO_ERROR, null);
            return false;
        }
    }

    /** Called once by a closing session. */
    void sessionClosed(DatagramSession session) {
        if (sessions.remove(session.remoteAddress(), session)) {
            counters.activeSessions.decrementAndGet();
            counters.sessionsClosed.increment();
        }
    }

    /** Stops creating sessions, closes every session and unblocks accept(). */
    void close() {
        closed = true;
        if (acceptQueue != null) {
            acceptQueue.close();
        }
        List<DatagramSession> all = new ArrayList<>(sessions.values());
        for (DatagramSession s : all) {
            s.closeWith(SessionCloseReason.SERVER_CLOSED, null);
        }
    }
}
