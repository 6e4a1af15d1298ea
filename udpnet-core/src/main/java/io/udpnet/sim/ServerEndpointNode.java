package io.udpnet.sim;

import io.udpnet.engine.ServerEndpoint;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/** A {@link SimNode} that runs a udpnet {@link ServerEndpoint}: every datagram in, every datagram it has out. */
public final class ServerEndpointNode implements SimNode {
    private final ServerEndpoint endpoint;
    private final ByteBuffer out = ByteBuffer.allocate(2048);

    /** A node running {@code endpoint}. */
    public ServerEndpointNode(ServerEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** The endpoint this node runs. */
    public ServerEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
        endpoint.handleDatagram(from, datagram, nowNanos);
    }

    @Override
    public void poll(long nowNanos, DatagramOutbox outbox) {
        InetSocketAddress to;
        while ((to = endpoint.pollTransmit(out, nowNanos)) != null) {
            outbox.send(to, out);
        }
        ConnectionNode.checkDeadline(endpoint.nextDeadline(), nowNanos, endpoint);
    }

    @Override
    public long nextDeadline() {
        return endpoint.nextDeadline();
    }
}
