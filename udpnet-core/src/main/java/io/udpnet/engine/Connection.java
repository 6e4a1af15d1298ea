package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.wire.Crc;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.PacketHeader;
import io.udpnet.wire.WireFormat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One udpnet connection as a pure state machine: it owns no socket, thread or clock. Feed it the datagrams that
 * arrive from its peer ({@link #handleDatagram}) with the current time; ask it for datagrams to send
 * ({@link #pollTransmit}) until it has none; call {@link #pollTransmit} again at {@link #nextDeadline()} even if
 * nothing arrives. Messages go out with {@link #send} and come in through the {@link ConnectionListener}.
 *
 * <p>Life cycle: a client starts {@link State#CONNECTING} ({@link #connect}); a server's connections are created
 * {@link State#CONNECTED} by a {@link ServerEndpoint} once the client has echoed its cookie. A connection ends when
 * the application {@linkplain #close closes} it (it then sends DISCONNECT three times), the peer closes it, nothing
 * arrives for the idle time-out, or the peer breaks the protocol. Keep-alives keep an idle connection open.
 *
 * <p>Not thread-safe: one thread drives a connection. In steady state no method allocates.
 *
 * <p>This class is the public state machine, documented method by method: the states, what moves a connection from
 * one to the next, and where datagrams go. The work lives in package-private classes it drives: {@link DataPath}
 * (messages, acks, loss, congestion), {@link Liveness} (time-outs and keep-alives), {@link ClientSide} (the
 * client's handshake and reset proof) and {@link PathValidation} (a server connection's address change).
 */
public final class Connection {
    /** Where a connection is in its life. */
    public enum State {
        /** Client handshake in progress; messages sent now wait for it. */
        CONNECTING,
        /** Established: messages flow. */
        CONNECTED,
        /** Closed by this end; the DISCONNECT copies are still being sent. */
        CLOSING,
        /** Over: nothing is sent or delivered. */
        CLOSED
    }

    // The configuration is the data path's (data.config()): one reference per connection, not two.
    private final ConnectionListener listener;
    private final DataPath data;
    private final Liveness liveness;
    /** The client's handshake and reset proof; null on the server side. */
    private final ClientSide clientSide;
    private State state;
    private DisconnectReason reason;
    /** The scheduler of the endpoint that drives this connection, if any: told when the application sends. */
    Scheduler scheduler;
    InetSocketAddress remote;
    /** Validation of a new peer address; server side only, made when a datagram first comes from another address. */
    private PathValidation path;
    long handshakeNonce;
    int heapIndex = -1;
    boolean ready;
    /** Datagrams sent in a row in the current turn; see {@link Scheduler#TRAIN}. */
    int train;
    private Object attachment;

    private Connection(ConnectionConfig config, long token, ConnectionListener listener, ClientHandshake handshake,
                       boolean accepted, long now, ByteBudget sharedReceive, Crc crc) {
        Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.data = new DataPath(config, token, listener, sharedReceive, crc);
        this.clientSide = handshake == null ? null : new ClientSide(handshake);
        this.state = handshake == null ? State.CONNECTED : State.CONNECTING;
        this.liveness = new Liveness(now, handshake == null, accepted);
    }

    /**
     * A client connection that starts its handshake at {@code now}. {@code payload} (up to 1152 bytes, e.g. an
     * authentication token) reaches the server's acceptor; {@code random} draws the handshake nonce.
     */
    public static Connection connect(ConnectionConfig config, ByteBuffer payload, ConnectionListener listener,
                                     RandomGenerator random, long now) {
        return connect(config, payload, listener, random, now, new Crc());
    }

    /** {@link #connect}, sharing {@code crc} with the other connections its thread drives. */
    static Connection connect(ConnectionConfig config, ByteBuffer payload, ConnectionListener listener,
                              RandomGenerator random, long now, Crc crc) {
        ClientHandshake h = new ClientHandshake(config, random.nextLong(), payload, now);
        return new Connection(config, 0, listener, h, false, now, null, crc);
    }

    /**
     * A connection whose two ends agreed on {@code token} out of band, established at once: for simulations,
     * benchmarks and tests of the data path. Real peers use {@link #connect} and a {@link ServerEndpoint}.
     */
    public static Connection established(ConnectionConfig config, long token, MessageListener handler) {
        ConnectionListener l = handler instanceof ConnectionListener cl ? cl : handler::onMessage;
        return new Connection(config, token, l, null, false, 0, null, new Crc());
    }

    /**
     * A server-side connection, established when the client's cookie was verified; its receive buffers also count
     * against {@code sharedReceive}, the endpoint's budget, and it uses the endpoint's {@code crc}.
     */
    static Connection accepted(ConnectionConfig config, long token, ConnectionListener listener, long now,
                               ByteBudget sharedReceive, Crc crc) {
        return new Connection(config, token, listener, null, true, now, sharedReceive, crc);
    }

    /**
     * Queues a message (the bytes between position and limit are copied; the position is unchanged). Returns false,
     * queuing nothing, when the channel's window or the send buffer is full: try again once datagrams have been
     * acknowledged. While connecting, messages wait for the handshake.
     *
     * @throws IllegalStateException    if the connection is closing or closed
     * @throws IllegalArgumentException for a channel that does not exist or a message over the size limits
     */
    public boolean send(int channel, ByteBuffer message) {
        if (state == State.CLOSING || state == State.CLOSED) {
            throw new IllegalStateException("connection is " + state + ": " + reason);
        }
        boolean queued = data.send(channel, message);
        if (queued) {
            wake();
        }
        return queued;
    }

    /**
     * Receive-side flow control for an application that cannot take more messages now. While paused, datagrams that
     * carry messages are not acknowledged and their messages are not delivered, so the peer sends them again later
     * (at the latest 2.5 s, or a quarter of the idle time-out if that is shorter, after its last try); everything else in them (acknowledgements,
     * keep-alives, path checks, DISCONNECT) is processed, so the connection stays alive however long the pause and
     * its own sending goes on.
     */
    public void pauseReceiving(boolean paused) {
        data.pauseReceiving(paused);
    }

    /** Whether {@link #send} would accept a message of {@code length} bytes on {@code channel} now. */
    public boolean canSend(int channel, int length) {
        return (state == State.CONNECTING || state == State.CONNECTED) && data.channels.canSend(channel, length);
    }

    /**
     * Processes one datagram from the peer (position..limit; the position moves to the limit). Anything invalid is
     * dropped and counted; nothing throws, whatever the bytes.
     */
    public void handleDatagram(ByteBuffer datagram, long now) {
        receive(datagram, now);
    }

    /** {@link #handleDatagram}, returning the data path's verdict ({@link DataPath#DROPPED} for anything else). */
    private int receive(ByteBuffer datagram, long now) {
        if (state == State.CLOSED) {
            datagram.position(datagram.limit());
            return DataPath.DROPPED;
        }
        if (datagram.remaining() < 4) {
            data.handleDatagram(datagram, now);   // counts it as foreign
            return DataPath.DROPPED;
        }
        int kind = datagram.get(datagram.position() + DataHeader.KIND_OFFSET) & 0xFF;
        if (kind >= WireFormat.KIND_CONTROL_FIRST && kind <= WireFormat.KIND_CONTROL_LAST) {
            handleControl(datagram, now);
            return DataPath.DROPPED;
        }
        if (state == State.CONNECTING) {
            datagram.position(datagram.limit());
            return DataPath.DROPPED;
        }
        int result = data.handleDatagram(datagram, now);
        if (result == DataPath.PROCESSED) {
            trimIfIdle(now);   // an idle connection's keep-alive was just acknowledged: give back its records
            liveness.onReceived(now);
            DisconnectReason byPeer = data.control().peerDisconnect();
            if (byPeer != null) {
                end(byPeer);
            }
        } else if (result == DataPath.VIOLATION) {
            close(DisconnectCode.PROTOCOL_VIOLATION, "malformed datagram");
        }
        return result;
    }

    /**
     * Server side: a datagram with this connection's token from {@code from}, which is not its current address (the
     * client's NAT may have given it a new one, or someone copied a datagram). It is processed like any other (its
     * acks and messages are as good from anywhere), but the connection keeps sending to its current address and
     * only challenges {@code from}; it moves there when the answer comes back from {@code from}. Returns whether it
     * moved.
     */
    boolean handleDatagramFrom(InetSocketAddress from, ByteBuffer datagram, long now, RandomGenerator random) {
        int length = datagram.remaining();
        data.control().clearPathResponse();
        int result = receive(datagram, now);
        if (clientSide != null || state != State.CONNECTED) {
            return false;
        }
        if (path == null) {
            path = new PathValidation();
        }
        // A challenge waits one probe time-out for its answer before the next is sent (doubling).
        if (!path.answered(from, length, result == DataPath.PROCESSED, data.control(), now, data.probeTimeout(),
                random)) {
            return false;
        }
        InetSocketAddress previous = remote;
        remote = from;
        listener.onAddressChanged(this, previous);
        return true;
    }

    /**
     * Server side: writes a PATH_CHALLENGE datagram into {@code out} if one is due and returns the address it must
     * go to, or returns null. Checked before {@link #pollTransmit}, which sends everything else to {@link #remote}.
     */
    InetSocketAddress pollPathChallenge(ByteBuffer out, long now) {
        return path == null || state != State.CONNECTED ? null : path.pollChallenge(data, out, now);
    }

    private void handleControl(ByteBuffer datagram, long now) {
        switch (clientSide == null ? ClientSide.FOREIGN : clientSide.onControl(datagram, state, data.token(), now)) {
            // A handshake datagram has no business here: counted as foreign.
            case ClientSide.FOREIGN -> data.handleDatagram(datagram, now);
            case ClientSide.RESET ->
                    end(new DisconnectReason(DisconnectCode.RESET, "the server no longer knows this connection", true));
            case ClientHandshake.ACCEPTED -> {
                data.token(clientSide.accept());
                state = State.CONNECTED;
                liveness.onConnected(now);
                listener.onConnected(this);
                // The server holds a slot for us only until it hears from us: what the application queued goes now,
                // or a PING if nothing is queued.
                if (!data.anyPending()) {
                    data.requestPing();
                }
            }
            case ClientHandshake.REJECTED -> end(clientSide.rejection());
            default -> { }
        }
    }

    /**
     * Writes the next datagram to send into {@code out} (from index 0: on return position 0, limit its length) and
     * returns its length, or 0 when nothing is due. Call until it returns 0. Also runs the timers: connect and idle
     * time-outs, keep-alives, retransmissions. {@code out} must hold {@link ConnectionConfig#maxDatagramSize()}
     * bytes, and at least 1200.
     */
    public int pollTransmit(ByteBuffer out, long now) {
        switch (state) {
            case CONNECTING -> {
                if (liveness.connectTimedOut(data.config(), now)) {
                    end(new DisconnectReason(DisconnectCode.CONNECT_TIMED_OUT, "no answer from the server", false));
                    return 0;
                }
                return clientSide.pollHandshake(out, now);
            }
            case CONNECTED -> {
                DisconnectReason expired = liveness.expired(data, now);
                if (expired != null) {
                    end(expired);
                    return 0;
                }
                trimIfIdle(now);
                return liveness.pollTransmit(data, out, now);
            }
            case CLOSING -> {
                int n = data.pollTransmit(out, now);
                if (data.control().disconnectsToSend() == 0) {
                    end(reason);
                }
                return n;
            }
            default -> {
                return 0;
            }
        }
    }

    /** When {@link #pollTransmit} must be called next even if nothing arrives: {@link Long#MAX_VALUE} for never. */
    public long nextDeadline() {
        return switch (state) {
            case CONNECTING -> Math.min(clientSide.handshakeDeadline(), liveness.connectDeadline(data.config()));
            case CONNECTED -> Math.min(Math.min(data.nextDeadline(), path == null ? Long.MAX_VALUE : path.deadline()),
                    liveness.deadline(data));
            case CLOSING -> Long.MIN_VALUE;
            case CLOSED -> Long.MAX_VALUE;
        };
    }

    /**
     * Gives back what an idle connection does not need ({@link DataPath#trimIfIdle}), and tells the listener when the
     * connection has just gone idle, so a layer above can let go of its own per-connection storage too.
     */
    private void trimIfIdle(long now) {
        if (data.trimIfIdle(now)) {
            listener.onIdle(this);
        }
    }

    /** Closes the connection with {@link DisconnectCode#APPLICATION} and {@code text} (up to 255 UTF-8 bytes). */
    public void close(String text) {
        close(DisconnectCode.APPLICATION, text);
    }

    /**
     * Closes the connection: an established one sends DISCONNECT with the reason three times (in the next
     * {@link #pollTransmit} calls) and then is {@link State#CLOSED}; a connecting one is closed at once.
     * Closing a closed connection does nothing.
     */
    public void close(DisconnectCode code, String text) {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        byte[] bytes = DisconnectReason.utf8(text, PacketHeader.MAX_DISCONNECT_TEXT);
        DisconnectReason r = new DisconnectReason(code, new String(bytes, StandardCharsets.UTF_8), false);
        if (state == State.CONNECTING) {
            end(r);
            return;
        }
        reason = r;
        state = State.CLOSING;
        data.control().queueDisconnect(code.wire(), bytes);
        wake();
    }

    /**
     * The network reported the peer's address unreachable (ICMP port unreachable on a connected socket) at
     * {@code now}. A connecting client gives up at once: nobody listens at the server's address. An established
     * connection ends with {@link DisconnectCode#UNREACHABLE} unless a valid datagram arrives within two probe
     * time-outs, because the report may concern an address the peer just left (a NAT rebinding); either way it ends
     * long before the idle time-out.
     */
    public void peerUnreachable(long now) {
        if (state == State.CONNECTING) {
            abort(DisconnectCode.UNREACHABLE, "the network reports the server unreachable");
        } else if (state == State.CONNECTED && liveness.onUnreachable(now)) {
            wake();
        }
    }

    /**
     * The network (an ICMP "fragmentation needed" or "packet too big"), or the local stack refusing a datagram with
     * don't-fragment set, says the path to the peer carries UDP payloads of at most {@code largestDatagram} bytes.
     * Path MTU discovery takes it as a cap at once (docs/PROTOCOL.md section 2); a size below the protocol's
     * 1200-byte floor is ignored, so a forged report cannot shrink datagrams below what every path must carry.
     *
     * @param largestDatagram the largest datagram the path carries, from the reported MTU less the IP and UDP headers
     * @param now             the current time
     */
    public void pathTooBig(int largestDatagram, long now) {
        if (state == State.CLOSED) {
            return;
        }
        data.pathTooBig(largestDatagram, now);
        wake();
    }

    /**
     * Ends the connection at once, sending nothing: for when the peer is known to be gone (the network reported it
     * unreachable) or the transport under the connection failed. Does nothing if it is already closed.
     */
    public void abort(DisconnectCode code, String text) {
        if (state == State.CLOSED) {
            return;
        }
        end(new DisconnectReason(code, text, false));
        wake();
    }

    /** Tells the endpoint's scheduler, if any, that this connection has something to do now. */
    private void wake() {
        if (scheduler != null) {
            scheduler.wake(this);
        }
    }

    private void end(DisconnectReason r) {
        reason = r;
        state = State.CLOSED;
        data.releaseReceiveMemory();   // it may count against a budget that other connections share
        listener.onDisconnected(this, r);
    }

    /** Where the connection is in its life: connecting, connected or closed. */
    public State state() {
        return state;
    }

    /** Why the connection ended, or null while it has not. */
    public DisconnectReason disconnectReason() {
        return reason;
    }

    /** Time from {@link #connect} to the handshake's completion, or -1 (server side, or not connected yet). */
    public long handshakeNanos() {
        return clientSide == null ? -1 : liveness.handshakeNanos();
    }

    /** The token this connection's data datagrams carry (0 while a client is still connecting). */
    public long token() {
        return data.token();
    }

    /**
     * The peer's address as a server-side connection knows it: where its datagrams go. It changes only after the
     * peer has answered a challenge at its new address. Null for client connections, which are driven by their
     * owner and always talk to the server's address.
     */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** A snapshot of this connection's counters and estimates (RTT, congestion window, loss rate), safe to share. */
    public ConnectionStats stats() {
        return data.stats();
    }

    /** Round-trip time estimates (package-private: {@link #stats()} carries them for everyone else). */
    RttEstimator rtt() {
        return data.rtt;
    }

    /** The settings this connection was made with. */
    public ConnectionConfig config() {
        return data.config();
    }

    /** Messages accepted on {@code channel} and not yet acknowledged (reliable) or sent (unreliable). */
    public int queuedMessages(int channel) {
        return data.channels.queuedMessages(channel);
    }

    /** The datagram size in use now: 1200 bytes, or more once path MTU discovery has found a larger one. */
    public int datagramSize() {
        return data.datagramSize();
    }

    /** Datagrams declared lost so far: {@link #stats()}{@code .datagramsLost()} without making a snapshot. */
    public long datagramsLost() {
        return data.sent.declaredLost();
    }

    /** Bytes the congestion controller currently allows in flight. */
    public long congestionWindow() {
        return data.congestion.congestionWindow();
    }

    /** The congestion controller's current pacing rate, bytes per second. */
    public long pacingRate() {
        return data.congestion.pacingRate();
    }

    /** Bytes of ack-eliciting datagrams in flight. */
    public int bytesInFlight() {
        return data.sent.bytesInFlight();
    }

    /** Ack-eliciting datagrams sent and not yet acknowledged or declared lost. */
    public int datagramsInFlight() {
        return data.sent.inFlight();
    }

    /** Bytes currently held in reassembly and reorder buffers for messages not yet delivered. */
    public long receiveBufferedBytes() {
        return data.channels.receiveBufferedBytes();
    }

    /** Attaches an object of the application's or transport's (e.g. the socket it reads this connection from). */
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    /** What {@link #attach} attached, or null. */
    public Object attachment() {
        return attachment;
    }

    @Override
    public String toString() {
        return "Connection{" + state + ", token=" + Long.toHexString(data.token())
                + (reason == null ? "" : ", " + reason) + '}';
    }
}
