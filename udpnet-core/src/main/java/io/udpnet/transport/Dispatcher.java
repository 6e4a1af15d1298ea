package io.udpnet.transport;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes datagrams to sessions by source address and turns admitted new peers into sessions. Shared by every
 * strategy: in SHARED and SHARDED it is the whole demultiplexer; in CONNECTED it serves the listener, which sees new
 * peers, peers beyond the connected-socket cap, and datagrams queued before a peer's socket was connected.
 *
 * <p>A peer's datagrams are always routed by one thread (its socket's reader), so the check-then-create of a new
 * session cannot race with itself: a retransmitted first datagram finds the session created by the first one.
 */
final class Dispatcher {
    private static final System.Logger LOG = System.getLogger("io.udpnet.transport");

    private final UdpServerConfig config;
    private final Counters counters;
    private final ConcurrentHashMap<InetSocketAddress, DatagramSession> sessions = new ConcurrentHashMap<>();
    /** Sessions waiting for accept(); null in listener style. */
    private final ClosableQueue<DatagramSession> acceptQueue;
    private volatile UdpServer server;
    private volatile ConnectedSockets connected;
    private volatile boolean closed;

    Dispatcher(UdpServerConfig config, Counters counters) {
        this.config = config;
        this.counters = counters;
        this.acceptQueue = config.sessionListener() == null ? new ClosableQueue<>(config.acceptBacklog()) : null;
    }

    void init(UdpServer server, ConnectedSockets connected) {
        this.server = server;
        this.connected = connected;
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

    /**
     * Routes a datagram that arrived on an unconnected socket ({@code via}), whose position..limit hold it.
     */
    void dispatch(InetSocketAddress from, ByteBuffer datagram, DatagramChannel via) {
        DatagramSession session = sessions.get(from);
        if (session != null) {
            session.deliver(datagram);
        } else {
            newPeer(from, datagram, via);
        }
    }

    /** Routes a datagram to an existing session only; false when {@code from} has none. */
    boolean dispatchKnown(InetSocketAddress from, ByteBuffer datagram) {
        DatagramSession session = sessions.get(from);
        if (session == null) {
            return false;
        }
        session.deliver(datagram);
        return true;
    }

    private void newPeer(InetSocketAddress from, ByteBuffer datagram, DatagramChannel via) {
        if (closed) {
            counters.drop(DropCause.SESSION_CLOSED);
            return;
        }
        if (counters.activeSessions.get() >= config.maxSessions()) {
            counters.drop(DropCause.SESSION_LIMIT);
            return;
        }
        if (acceptQueue != null && acceptQueue.isFull()) {
            counters.drop(DropCause.BACKLOG_FULL);
            return;
        }
        if (!admitted(from, datagram)) {
            counters.drop(DropCause.REFUSED);
            return;
        }
        // Several shard threads may admit at once: reserve the slot atomically so the cap is never exceeded.
        if (!reserveSessionSlot()) {
            counters.drop(DropCause.SESSION_LIMIT);
            return;
        }
        DatagramSession session = new DatagramSession(this, from, via);
        counters.sessionsOpened.increment();
        sessions.put(from, session);
        if (acceptQueue == null && !installHandler(session)) {
            return;
        }
        session.deliver(datagram);
        ConnectedSockets c = connected;
        if (c != null) {
            c.attach(session, via);
        }
        if (acceptQueue != null && !acceptQueue.offer(session)) {
            // Only when the server closed meanwhile: the backlog was checked above and only this thread fills it.
            session.closeWith(CloseReason.SERVER_CLOSED, null);
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
            return config.peerFilter().admit(from, datagram.asReadOnlyBuffer(), server) == PeerFilter.Verdict.ACCEPT;
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
            session.closeWith(CloseReason.IO_ERROR, null);
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
            s.closeWith(CloseReason.SERVER_CLOSED, null);
        }
    }
}
