package io.udpnet.transport;

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
    private final ConcurrentHashMap<InetSocketAddress, DatagramSession> sessions = new ConcurrentHashMap<>();
    /** Sessions waiting for accept(); null in listener style. */
    private final ClosableQueue<DatagramSession> acceptQueue;
    private volatile UdpServer server;
    private volatile boolean closed;

    Dispatcher(UdpServerConfig config, Counters counters) {
        this.config = config;
        this.counters = counters;
        this.acceptQueue = config.sessionListener() == null ? new ClosableQueue<>(config.acceptBacklog()) : null;
    }

    void init(UdpServer server) {
        this.server = server;
    }

    /** The handler of one socket group: routes its datagrams here; the raw level sends at once, never on flush. */
    SocketGroup.Handler handlerFor(SocketGroup group) {
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
    private void pathError(PathError error) {
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
        if (closed) {
            counters.drop(DatagramDropReason.SESSION_CLOSED);
            return;
        }
        if (counters.activeSessions.get() >= config.maxSessions()) {
            counters.drop(DatagramDropReason.SESSION_LIMIT);
            return;
        }
        if (acceptQueue != null && acceptQueue.isFull()) {
            counters.drop(DatagramDropReason.BACKLOG_FULL);
            return;
        }
        if (!admitted(from, datagram)) {
            counters.drop(DatagramDropReason.REFUSED);
            return;
        }
        // Several shard threads may admit at once: reserve the slot atomically so the cap is never exceeded.
        if (!reserveSessionSlot()) {
            counters.drop(DatagramDropReason.SESSION_LIMIT);
            return;
        }
        DatagramSession session = new DatagramSession(this, from, via);
        counters.sessionsOpened.increment();
        sessions.put(from, session);
        if (acceptQueue == null && !installHandler(session)) {
            return;
        }
        session.deliver(datagram);
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
