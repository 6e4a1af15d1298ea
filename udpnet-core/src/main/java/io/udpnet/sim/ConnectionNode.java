package io.udpnet.sim;

import io.udpnet.engine.Connection;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A {@link SimNode} that runs one udpnet {@link Connection} talking to one peer address: received datagrams go to
 * the connection, and each poll sends every datagram the connection has ready. Override {@link #beforeTransmit} to
 * queue application messages just before the connection is asked for datagrams.
 */
public class ConnectionNode implements SimNode {
    private final Connection connection;
    private final InetSocketAddress peer;
    private final ByteBuffer out = ByteBuffer.allocate(2048);

    /** A node running {@code connection}, which sends every datagram to {@code peer}. */
    public ConnectionNode(Connection connection, InetSocketAddress peer) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.peer = Objects.requireNonNull(peer, "peer");
    }

    /** The connection this node drives. */
    public Connection connection() {
        return connection;
    }

    /** Called at the start of every poll: a place to send application messages. Does nothing by default. */
    protected void beforeTransmit(long nowNanos) {
    }

    @Override
    public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
        connection.handleDatagram(datagram, nowNanos);
    }

    @Override
    public void poll(long nowNanos, DatagramOutbox outbox) {
        beforeTransmit(nowNanos);
        while (connection.pollTransmit(out, nowNanos) > 0) {
            outbox.send(peer, out);
        }
        checkDeadline(connection.nextDeadline(), nowNanos, connection);
    }

    /**
     * A drained engine must not ask to be polled again at once: a real driver would spin, and the simulation would
     * not poll it again until something else happens. Failing loudly here turns every simulation into a check.
     */
    static void checkDeadline(long deadline, long now, Object engine) {
        if (deadline <= now) {
            throw new IllegalStateException("engine reported deadline " + deadline + " at or before now " + now
                    + " after being drained: " + engine);
        }
    }

    @Override
    public long nextDeadline() {
        return connection.nextDeadline();
    }
}
