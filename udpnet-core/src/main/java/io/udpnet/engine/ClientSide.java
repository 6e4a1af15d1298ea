package io.udpnet.engine;

import io.udpnet.wire.DataHeader;
import io.udpnet.wire.StatelessReset;

import java.nio.ByteBuffer;

/**
 * What only a client's connection has: its handshake while it runs, then the stateless reset proof that the server's
 * ACCEPT carried (docs/PROTOCOL.md, section 8.5). A server's connections have neither, so {@link Connection} holds
 * this object, made for clients only, instead of the fields themselves: an idle server connection carries none of
 * it (see IdleMemoryTest), and the handshake, large with its buffers, goes once connected.
 */
final class ClientSide {
    /** {@link #onControl}: the datagram is no control datagram for a client in this state (counted as foreign). */
    static final int FOREIGN = -1;
    /** {@link #onControl}: a stateless reset with this connection's proof; the server no longer knows it. */
    static final int RESET = -2;

    /** The handshake while it runs; dropped once connected. */
    private ClientHandshake handshake;
    private long resetHigh;
    private long resetLow;

    ClientSide(ClientHandshake handshake) {
        this.handshake = handshake;
    }

    /** Writes the REQUEST or RESPONSE due now into {@code out}; returns its length or 0. */
    int pollHandshake(ByteBuffer out, long now) {
        return handshake.poll(out, now);
    }

    /** When the handshake sends again. */
    long handshakeDeadline() {
        return handshake.nextDeadline();
    }

    /**
     * A control datagram (position..limit) arrived while the connection is in {@code state}; {@code token} is the
     * connection's. Returns {@link #FOREIGN} (left unread, for the data path to count), {@link #RESET} once
     * connected, or, while connecting, the handshake's verdict: {@link ClientHandshake#IGNORED}, {@code CONTINUE},
     * {@code ACCEPTED} (then call {@link #accept}) or {@code REJECTED} ({@link #rejection()} says why).
     */
    int onControl(ByteBuffer datagram, Connection.State state, long token, long now) {
        if (state == Connection.State.CONNECTED
                && datagram.get(datagram.position() + DataHeader.KIND_OFFSET) == StatelessReset.KIND_RESET) {
            return isReset(datagram, token) ? RESET : ClientHandshake.IGNORED;
        }
        if (state != Connection.State.CONNECTING) {
            return FOREIGN;
        }
        ByteBuffer b = datagram.position() == 0 ? datagram : datagram.slice();
        int length = b.limit();
        datagram.position(datagram.limit());
        return handshake.onControl(b, length, now);
    }

    /** The handshake was accepted: keeps the server's reset proof, drops the handshake and returns the token. */
    long accept() {
        resetHigh = handshake.resetHigh();
        resetLow = handshake.resetLow();
        long token = handshake.token();
        handshake = null;
        return token;
    }

    /** Why the server rejected the handshake. */
    DisconnectReason rejection() {
        return handshake.rejection();
    }

    /**
     * Whether a stateless reset (position..limit, consumed) carries the proof for {@code token}: only the server that
     * accepted us can make it without state, so it no longer knows the connection.
     */
    private boolean isReset(ByteBuffer datagram, long token) {
        ByteBuffer b = datagram.position() == 0 ? datagram : datagram.slice();
        boolean reset = StatelessReset.matches(b, b.limit(), token, resetHigh, resetLow);
        datagram.position(datagram.limit());
        return reset;
    }
}
