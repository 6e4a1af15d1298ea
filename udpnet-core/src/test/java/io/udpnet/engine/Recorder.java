package io.udpnet.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A listener that records everything for assertions. */
final class Recorder implements ConnectionListener {
    final List<String> messages = new ArrayList<>();
    /** Server side: each change of the peer's address as a pair (previous, new). */
    final List<java.net.InetSocketAddress> addressChanges = new ArrayList<>();
    /** Runs after each change of address is recorded. */
    Runnable onAddressChange = () -> { };
    Connection connected;
    /** Times {@link #onIdle} was called. */
    int idles;
    DisconnectReason disconnected;
    long connectedAt = -1;
    long disconnectedAt = -1;
    private final java.util.function.LongSupplier clock;

    Recorder(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
        byte[] b = new byte[length];
        buffer.get(offset, b);
        messages.add(channel + ":" + new String(b, StandardCharsets.UTF_8));
    }

    @Override
    public void onIdle(Connection connection) {
        idles++;
    }

    @Override
    public void onConnected(Connection connection) {
        connected = connection;
        connectedAt = clock.getAsLong();
    }

    @Override
    public void onAddressChanged(Connection connection, java.net.InetSocketAddress previous) {
        addressChanges.add(previous);
        addressChanges.add(connection.remoteAddress());
        onAddressChange.run();
    }

    @Override
    public void onDisconnected(Connection connection, DisconnectReason reason) {
        if (disconnected != null) {
            throw new AssertionError("onDisconnected called twice: " + disconnected + ", then " + reason);
        }
        disconnected = reason;
        disconnectedAt = clock.getAsLong();
    }
}
