package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.Connection;
import io.udpnet.engine.ConnectionListener;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.engine.DisconnectReason;
import io.udpnet.io.IoLoop;
import io.udpnet.jfr.UdpnetEvents;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The I/O side of one {@link MessageConnection}: its engine, the engine's events, moving staged messages into the
 * engine, the graceful close, and delivery to the inbox or the listener. Everything here runs on the connection's I/O
 * thread, except {@link #requestDrain()}, which the facade calls from any thread. It is the engine's listener
 * itself (an object less per connection); its {@code on...} methods are for the engine only.
 */
final class ConnectionDriver implements ConnectionListener {
    private static final System.Logger LOG = System.getLogger("io.udpnet.messaging");
    /** How long a close waits for messages handed over earlier to be sent and acknowledged. */
    static final long CLOSE_LINGER_NANOS = 2_000_000_000L;

    /** What the transport under a connection does when it changes. Called on the I/O thread. */
    interface Owner {
        /** The I/O thread of every connection this owner has. */
        IoLoop loop();

        /** The settings of every connection this owner has. */
        ConnectionConfig config();

        void established(ConnectionDriver c);

        void closed(ConnectionDriver c);

        void addressChanged(ConnectionDriver c, InetSocketAddress previous);

        /** Staged messages wait for the engine's window: drain again after acks arrive. */
        void stalled(ConnectionDriver c);

        /** A close waits for messages handed over earlier: call {@link #finishClose} until it returns true. */
        void lingering(ConnectionDriver c);

        /** The application staged messages: call {@link #drain} on the I/O thread soon. Any thread. */
        void requestDrain(ConnectionDriver c);
    }

    private final Owner owner;
    private final MessageConnectionListener listener;
    private final MessageConnection facade;
    private volatile InetSocketAddress remote;
    private Connection engine;
    private ByteBuffer view;
    /** Whether the owner has this connection on its list of stalled ones. */
    private boolean stalled;
    /** Set by {@link #beginClose}: the goodbye's text and how long it waits for messages handed over earlier. */
    private Closing closing;
    /** Whether the owner has this connection on its list to {@link #observe} at the end of the I/O turn. */
    private boolean watched;
    /** What the last path events reported: datagrams declared lost, the datagram size. */
    private long lostReported;
    private int sizeReported;

    ConnectionDriver(Owner owner, MessageConnectionListener listener, int inboxLimit, InboxBudget inboxBudget,
                     InetSocketAddress remote, MessageConnection.State initial) {
        this.owner = owner;
        this.listener = listener;
        this.remote = remote;
        this.facade = new MessageConnection(this,
                listener == null ? new Inbox(inboxLimit, inboxBudget) : null, initial);
    }

    MessageConnection connection() {
        return facade;
    }

    IoLoop loop() {
        return owner.loop();
    }

    ConnectionConfig config() {
        return owner.config();
    }

    InetSocketAddress remoteAddress() {
        return remote;
    }

    /** What the engine reports this connection's events to. */
    ConnectionListener events() {
        return this;
    }

    void engine(Connection c) {
        this.engine = c;
        c.attach(this);
        sizeReported = c.datagramSize();
    }

    /** Whether this is a server's connection (for the events), as opposed to a client's. */
    private boolean serverSide() {
        return owner instanceof ServerShard;
    }

    /**
     * Marks the connection to be observed at the end of the I/O turn, while path events are recorded.
     *
     * @return true when it was not marked yet: the caller puts it on its list
     */
    boolean watch() {
        if (watched || engine == null) {
            return false;
        }
        watched = true;
        return true;
    }

    /**
     * Records what changed on the path since the last look: datagrams declared lost (one event for all of this turn's)
     * and the datagram size. The engine only counts; reading its counters here keeps events out of it.
     */
    void observe() {
        watched = false;
        if (engine == null) {
            return;
        }
        long lost = engine.datagramsLost();
        if (lost != lostReported) {
            UdpnetEvents.datagramsLost(remote, serverSide(), lost - lostReported, lost);
            lostReported = lost;
        }
        int size = engine.datagramSize();
        if (size != sizeReported) {
            UdpnetEvents.pathMtuChanged(remote, serverSide(), sizeReported, size);
            sizeReported = size;
        }
    }

    Connection engine() {
        return engine;
    }

    /** Whether datagrams must wait because the application has not taken enough messages. */
    boolean inboxFull() {
        return facade.inboxFull();
    }

    /** Asks for {@link #drain} on the I/O thread: at once when already there. Any thread. */
    void requestDrain() {
        if (owner.loop().inLoop()) {
            drain();
        } else {
            owner.requestDrain(this);
        }
    }

    /** Moves staged messages into the engine as far as its windows allow. */
    void drain() {
        if (engine == null) {
            facade.drained();
            return;   // not yet accepted by the engine: drained once it is
        }
        Connection.State s = engine.state();
        boolean live = s == Connection.State.CONNECTED || s == Connection.State.CONNECTING;
        boolean waiting = facade.moveStaged(engine, !live);
        if (waiting && !stalled) {
            stalled = true;
            owner.stalled(this);
        }
    }

    /** Called by the owner when it takes the connection off its stalled list to drain it again. */
    void unstall() {
        stalled = false;
    }

    /** Starts a graceful close (see {@link MessageConnection#close(String)}). */
    void beginClose(String text) {
        if (engine == null) {
            return;   // a client's connect task has not run yet: it sees CLOSING and closes at once
        }
        closing = new Closing(text, System.nanoTime() + CLOSE_LINGER_NANOS);
        drain();
        if (!finishClose(System.nanoTime())) {
            owner.lingering(this);
        }
    }

    /**
     * Closes the engine once everything handed over was sent and, on reliable channels, acknowledged, or the linger
     * time is over. Returns true when the engine is closing or closed.
     */
    boolean finishClose(long now) {
        Connection.State s = engine.state();
        if (s == Connection.State.CLOSING || s == Connection.State.CLOSED) {
            return true;
        }
        if (now - closing.lingerUntil() < 0 && s == Connection.State.CONNECTED && facade.unfinished(engine)) {
            drain();
            return false;
        }
        engine.close(closing.text());
        return true;
    }

    /** Publishes a fresh snapshot of the engine's counters for {@link MessageConnection#stats()}. */
    void publishStats() {
        if (engine != null) {
            facade.published(engine.stats());
        }
    }

    /** Ends the connection without its engine, whose I/O thread has stopped. On that thread, or after it died. */
    void terminate(String why) {
        if (facade.state() != MessageConnection.State.CLOSED) {
            ended(new DisconnectReason(DisconnectCode.SHUTDOWN, why, false));
        }
    }

    private void ended(DisconnectReason r) {
        if (engine != null) {
            facade.published(engine.stats());
            if (UdpnetEvents.watchingPaths()) {
                observe();   // losses declared since the last look, before the connection is gone
            }
        }
        UdpnetEvents.connectionClosed(remote, serverSide(), r.code().name(), r.text(), r.remote());
        // The owner forgets the connection before anyone waiting can see it closed.
        owner.closed(this);
        facade.ended(r);
        if (listener != null) {
            try {
                listener.onClosed(facade, r);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "message listener threw in onClosed for " + remote, e);
            }
        }
    }

    private void deliver(int channel, ByteBuffer buffer, int offset, int length) {
        if (listener == null) {
            facade.arrived(channel, buffer, offset, length);
            return;
        }
        if (!buffer.hasArray()) {
            // A direct buffer is a received datagram's own slot: it is lent with the message's bounds, which are put
            // back afterwards. A view per message (duplicate) would allocate on the hot path, once per message.
            int position = buffer.position();
            int limit = buffer.limit();
            buffer.limit(offset + length).position(offset);
            try {
                listener.onMessage(facade, channel, buffer);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "message listener threw for " + remote, e);
            } finally {
                buffer.limit(limit).position(position);
            }
            return;
        }
        // A view of the whole backing array, reused while messages come from the same one (reassembly buffers).
        ByteBuffer v = view;
        if (v == null || v.array() != buffer.array()) {
            v = ByteBuffer.wrap(buffer.array());
        }
        view = v;
        int base = buffer.arrayOffset();
        v.limit(base + offset + length).position(base + offset);
        try {
            listener.onMessage(facade, channel, v);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "message listener threw for " + remote, e);
        }
    }

    @Override
    public String toString() {
        return facade.toString();
    }

    // ---- the engine's events for this connection ------------------------------------------------------------------

    @Override
    public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
        deliver(channel, buffer, offset, length);
    }

    @Override
    public void onConnected(Connection connection) {
        if (engine == null) {
            engine(connection);
        }
        facade.opened();
        UdpnetEvents.connectionOpened(remote, serverSide());
        owner.established(this);
        drain();
        if (listener != null) {
            try {
                listener.onConnected(facade);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "message listener threw in onConnected for " + remote, e);
            }
        }
    }

    @Override
    public void onIdle(Connection connection) {
        view = null;   // it may hold on to a reassembly buffer the engine just gave up
        facade.idle();
    }

    @Override
    public void onAddressChanged(Connection connection, InetSocketAddress previous) {
        remote = connection.remoteAddress();
        owner.addressChanged(this, previous);
    }

    @Override
    public void onDisconnected(Connection connection, DisconnectReason r) {
        if (engine == null) {
            engine(connection);
        }
        ended(r);
    }

    private record Closing(String text, long lingerUntil) {
    }
}
