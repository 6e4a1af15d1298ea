package io.udpnet.messaging;

import io.udpnet.dtls.DtlsPeer;
import io.udpnet.engine.ClientEndpoint;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.io.Transmitter;
import io.udpnet.io.UdpSocket;

import javax.net.ssl.SSLException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The DTLS association under one secure client connection, on the client's I/O thread: records in are decrypted
 * into the connection's engine, the engine's datagrams out are encrypted one record each. The engine's first
 * datagrams (its REQUEST and retransmissions) wait here, a few at most, until the DTLS handshake completes, so the
 * udpnet handshake runs inside the DTLS session. When the association ends (close_notify, an alert, a failed or
 * timed-out handshake) the connection ends with the reason.
 */
final class SecureLink implements DtlsPeer.Output {
    private static final System.Logger LOG = System.getLogger("io.udpnet.messaging");
    /** Datagrams held while the DTLS handshake runs; the engine sends its REQUEST again if these are dropped. */
    private static final int MAX_HELD = 4;

    private final DtlsPeer peer;
    private final ConnectionDriver connection;
    private final ClientEndpoint endpoint;
    private final Transmitter out;
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    /** udpnet's largest datagram, which every record must hold. */
    private final int datagram;
    private UdpSocket socket;
    private long now;

    SecureLink(DtlsPeer peer, ConnectionDriver connection, ClientEndpoint endpoint, Transmitter out, UdpSocket socket,
               int datagram) {
        this.peer = peer;
        this.datagram = datagram;
        this.connection = connection;
        this.endpoint = endpoint;
        this.out = out;
        this.socket = socket;
    }

    /** Sends the first flight. */
    void start(long now) {
        this.now = now;
        peer.start(now, this);
        settle(DtlsPeer.State.HANDSHAKING);
    }

    /** The connection moved to another socket (its records now leave through it). */
    void socket(UdpSocket s) {
        this.socket = s;
    }

    /** One datagram from the server: its records, decrypted into the engine. */
    void receive(ByteBuffer datagram, long now) {
        this.now = now;
        DtlsPeer.State before = peer.state();
        peer.receive(datagram, now, this);
        settle(before);
    }

    /** One datagram of the engine's: encrypted now, or held while the handshake runs. */
    void send(ByteBuffer plaintext) {
        switch (peer.state()) {
            case ESTABLISHED -> seal(plaintext);
            case HANDSHAKING -> {
                if (held.size() < MAX_HELD) {
                    byte[] copy = new byte[plaintext.remaining()];
                    plaintext.get(copy);
                    held.add(copy);
                }
            }
            case CLOSED -> {
                // Nothing can reach the server any more; the connection is ending.
            }
        }
    }

    /** @return when {@link #timer} is due, {@link Long#MAX_VALUE} for never */
    long deadline() {
        return peer.deadline();
    }

    /** Retransmits a handshake flight, or ends the connection when the handshake timed out. */
    void timer(long now) {
        this.now = now;
        DtlsPeer.State before = peer.state();
        peer.onTimer(now, this);
        settle(before);
    }

    /** Sends close_notify (nothing when the association already ended). */
    void close() {
        held.clear();
        peer.close(this);
    }

    private void settle(DtlsPeer.State before) {
        if (before == DtlsPeer.State.HANDSHAKING && peer.state() == DtlsPeer.State.ESTABLISHED) {
            String unfit = SecureSizing.unfit(peer.engine().getSession(), datagram);
            if (unfit != null) {
                held.clear();
                peer.close(this);
                if (connection.engine() != null) {
                    connection.engine().abort(DisconnectCode.PROTOCOL_VIOLATION, unfit);
                }
                return;
            }
            byte[] d;
            while ((d = held.poll()) != null) {
                seal(ByteBuffer.wrap(d));
            }
        } else if (before != DtlsPeer.State.CLOSED && peer.state() == DtlsPeer.State.CLOSED) {
            held.clear();
            if (connection.engine() == null) {
                return;
            }
            switch (peer.closeCause()) {
                case PEER_CLOSED -> connection.engine().abort(DisconnectCode.APPLICATION, SecureShard.reason(peer));
                case HANDSHAKE_TIMEOUT -> connection.engine().abort(DisconnectCode.CONNECT_TIMED_OUT,
                        "DTLS: no handshake with the server (not a DTLS server, or not reachable)");
                default -> connection.engine().abort(DisconnectCode.PROTOCOL_VIOLATION, SecureShard.reason(peer));
            }
        }
    }

    private void seal(ByteBuffer plaintext) {
        try {
            if (!peer.send(plaintext, this)) {
                // Cannot happen while the engine's maximum is udpnet's plus the record overhead (SecureSizing).
                LOG.log(Level.WARNING, "a datagram of " + plaintext.remaining() + " bytes did not fit one DTLS record");
            }
        } catch (SSLException | RuntimeException e) {
            LOG.log(Level.DEBUG, "DTLS send failed for " + connection, e);
        }
    }

    @Override
    public void transmit(ByteBuffer datagram) {
        out.send(socket, connection.remoteAddress(), datagram);
    }

    @Override
    public void plaintext(ByteBuffer data) {
        if (connection.engine() != null) {
            endpoint.handleDatagram(connection.engine(), data, now);
        }
    }
}
