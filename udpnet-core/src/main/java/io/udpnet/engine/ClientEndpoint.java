package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.wire.Crc;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Many client {@link Connection}s driven together, as a pure state machine: the client-side counterpart of
 * {@link ServerEndpoint}. It runs every connection's timers from one deadline heap and polls the connections that
 * have something to send in turn, so one thread can drive thousands of them without a timer per connection.
 *
 * <p>Each connection talks to its own server address, so datagrams are handed in per connection
 * ({@link #handleDatagram}) and {@link #pollTransmit} says which connection produced the datagram; the transport
 * keeps the mapping from a connection to its socket (see {@link Connection#attach}). Owns no socket, thread or
 * clock; not thread-safe.
 */
public final class ClientEndpoint {
    private final Scheduler scheduler = new Scheduler();
    private final RandomGenerator random;
    private final Crc crc = new Crc();
    private int open;

    /** @param random draws the handshake nonces */
    public ClientEndpoint(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Starts a connection's handshake at {@code now}; see {@link Connection#connect}. Its first datagram comes out of
     * the next {@link #pollTransmit}.
     */
    public Connection connect(ConnectionConfig config, ByteBuffer payload, ConnectionListener listener, long now) {
        Connection c = Connection.connect(config, payload, listener, random, now, crc);
        c.scheduler = scheduler;
        open++;
        scheduler.wake(c);
        return c;
    }

    /**
     * Processes a datagram that arrived for {@code c}, a connection of this endpoint (position..limit; consumed).
     * Never throws for any content; a datagram for a closed connection is ignored.
     */
    public void handleDatagram(Connection c, ByteBuffer datagram, long now) {
        c.handleDatagram(datagram, now);
        if (c.scheduler == scheduler) {
            scheduler.wake(c);
        }
    }

    /**
     * Writes the next datagram to send into {@code out} (from index 0; position 0, limit its length) and returns
     * the connection it belongs to, or null when nothing is due now. Call until it returns null.
     */
    public Connection pollTransmit(ByteBuffer out, long now) {
        Connection c;
        while ((c = scheduler.next(now)) != null) {
            if (c.pollTransmit(out, now) > 0) {
                scheduler.requeue(c);
                return c;
            }
            if (scheduler.settle(c)) {
                open--;
            }
        }
        return null;
    }

    /** When {@link #pollTransmit} must be called next even if nothing arrives; {@link Long#MIN_VALUE} for now. */
    public long nextDeadline() {
        return scheduler.nextDeadline();
    }

    /** Connections not yet closed (including those still sending their goodbye). */
    public int connectionCount() {
        return open;
    }
}
