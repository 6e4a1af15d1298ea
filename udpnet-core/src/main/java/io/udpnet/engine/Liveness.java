package io.udpnet.engine;

import io.udpnet.ConnectionConfig;

import java.nio.ByteBuffer;

/**
 * The clocks that say whether an established connection is still alive and when it must speak to stay so: the idle
 * time-out, the grace after the network reported the peer unreachable, the server's wait for an accepted client's
 * first datagram, the client's connect time-out, and when a keep-alive is due. {@link Connection} owns the state
 * machine and acts on what these say; keeping every time-out of the life cycle here lets each be read next to the
 * others it must not fight (the keep-alive has to come before the time-out it prevents).
 *
 * <p>The configuration and the data path are passed in rather than held, so the object is just its own fields: an idle
 * connection carries this instead of the same fields in {@link Connection}, at the cost of one object header
 * (see IdleMemoryTest). Allocates only the reason of a time-out.
 */
final class Liveness {
    private final long createdAt;
    /** Whether this is a server's connection (made by {@link Connection#accepted}): it pings later than a client. */
    private final boolean accepted;
    /**
     * Server side: no valid data datagram has come from the client since ACCEPT. A client sends one at once when
     * accepted; the server pings one that has not halfway through the connect time-out, and drops it at the end (it
     * gave up, or never received the ACCEPT).
     */
    private boolean unconfirmed;
    private long connectedAt = Long.MIN_VALUE;
    private long lastReceivedAt;
    /** When the network first reported the peer unreachable with nothing valid received since; MIN_VALUE if not. */
    private long unreachableAt = Long.MIN_VALUE;

    /** Clocks of a connection made at {@code now}, {@code connected} at once or not; {@code accepted}: a server's. */
    Liveness(long now, boolean connected, boolean accepted) {
        this.createdAt = now;
        this.lastReceivedAt = now;
        this.accepted = accepted;
        this.unconfirmed = accepted;
        if (connected) {
            connectedAt = now;
        }
    }

    /** The client's handshake completed at {@code now}. */
    void onConnected(long now) {
        connectedAt = now;
        lastReceivedAt = now;
    }

    /** A valid data datagram arrived at {@code now}: the peer is alive and reachable, and a server's client confirmed. */
    void onReceived(long now) {
        lastReceivedAt = now;
        unreachableAt = Long.MIN_VALUE;
        unconfirmed = false;
    }

    /** The network reported the peer unreachable at {@code now}; returns false if it already had, with nothing since. */
    boolean onUnreachable(long now) {
        if (unreachableAt != Long.MIN_VALUE) {
            return false;
        }
        unreachableAt = now;
        return true;
    }

    /** Whether a client still connecting at {@code now} must give up. */
    boolean connectTimedOut(ConnectionConfig config, long now) {
        return now - createdAt >= config.connectTimeoutNanos();
    }

    /** When a connecting client gives up. */
    long connectDeadline(ConnectionConfig config) {
        return createdAt + config.connectTimeoutNanos();
    }

    /** Time from creation to the handshake's completion, or -1 while not connected. */
    long handshakeNanos() {
        return connectedAt == Long.MIN_VALUE ? -1 : connectedAt - createdAt;
    }

    /**
     * Why an established connection must end at {@code now} (the peer stayed unreachable, an accepted client never
     * spoke, or nothing arrived for the idle time-out), or null while it lives.
     */
    DisconnectReason expired(DataPath data, long now) {
        ConnectionConfig config = data.config();
        if (unreachableAt != Long.MIN_VALUE && now - unreachableAt >= unreachableGrace(data)) {
            return new DisconnectReason(DisconnectCode.UNREACHABLE, "the network reports the peer unreachable", false);
        }
        if (unconfirmed && now - createdAt >= config.connectTimeoutNanos()) {
            return new DisconnectReason(DisconnectCode.TIMED_OUT, "no datagram from the client within "
                    + config.connectTimeoutNanos() / 1_000_000 + " ms of accepting it", false);
        }
        if (now - lastReceivedAt >= config.idleTimeoutNanos()) {
            return new DisconnectReason(DisconnectCode.TIMED_OUT, "nothing received for "
                    + config.idleTimeoutNanos() / 1_000_000 + " ms", false);
        }
        return null;
    }

    /** The earliest of an established connection's time-outs and its keep-alive, or {@link Long#MAX_VALUE}. */
    long deadline(DataPath data) {
        ConnectionConfig config = data.config();
        return Math.min(Math.min(lastReceivedAt + config.idleTimeoutNanos(), keepAliveDue(data)),
                Math.min(unconfirmed ? createdAt + config.connectTimeoutNanos() : Long.MAX_VALUE,
                        unreachableAt == Long.MIN_VALUE ? Long.MAX_VALUE : unreachableAt + unreachableGrace(data)));
    }

    /**
     * Polls an established connection's data path for its next datagram, asking for a PING first when a keep-alive
     * is due.
     */
    int pollTransmit(DataPath data, ByteBuffer out, long now) {
        if (now >= keepAliveDue(data)) {
            data.requestPing();
        }
        int n = data.pollTransmit(out, now);
        if (n == 0 && now >= keepAliveDue(data)) {
            // The data path's timers just declared the last datagram in flight lost: the keep-alive that the flight
            // was standing in for is due now.
            data.requestPing();
            n = data.pollTransmit(out, now);
        }
        return n;
    }

    /**
     * A keep-alive is due when neither end has sent anything to acknowledge for the keep-alive interval (one and a
     * half on the server side). Not while datagrams are in flight (the probe time-out already makes sure the peer
     * answers) or a ping waits for the congestion window: the deadline must never stay in the past, or the
     * connection would be polled in a loop.
     */
    long keepAliveDue(DataPath data) {
        if (data.sent.inFlight() > 0 || data.pingPending()) {
            return Long.MAX_VALUE;
        }
        ConnectionConfig config = data.config();
        long last = Math.max(connectedAt, Math.max(data.lastElicitingSentAt(), data.lastElicitingReceivedAt()));
        // The client keeps an idle connection alive; the server waits half an interval more, so it pings only when
        // the client has gone quiet. With equal intervals each end's timer would fire just as the other's keep-alive
        // arrives, and both would send one.
        long due = last + (accepted ? config.keepAliveNanos() / 2 * 3 : config.keepAliveNanos());
        // A client that has not confirmed is asked halfway through the connect time-out: its ack confirms it, or the
        // network reports it unreachable, before the time-out would drop it.
        return unconfirmed ? Math.min(due, createdAt + config.connectTimeoutNanos() / 2) : due;
    }

    /**
     * How long a report of the peer unreachable waits for a valid datagram to prove it wrong: two probe time-outs,
     * since it may concern an address the peer just left (a NAT rebinding).
     */
    private static long unreachableGrace(DataPath data) {
        return 2 * data.probeTimeout();
    }
}
