package io.udpnet.messaging;

import io.udpnet.dtls.DtlsPeer;
import io.udpnet.dtls.DtlsServerContext;
import io.udpnet.dtls.HelloGate;
import io.udpnet.engine.DisconnectCode;
import io.udpnet.io.PathError;
import io.udpnet.io.SocketGroup;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * DTLS in front of one {@link ServerShard}: the socket group's handler, which decrypts each datagram into the shard
 * and encrypts each of the shard's datagrams into one record. On the group's I/O thread only, so its table needs no
 * lock, and each association stays on the thread of the connection it carries.
 *
 * <ul>
 *   <li>A datagram from an address with an association goes to it; its plaintext goes to the shard.</li>
 *   <li>Anything else must be a ClientHello, judged by a {@link HelloGate}. Without a cookie made for the
 *       sender's address it gets a HelloVerifyRequest (rate-limited, never larger than the hello) and leaves nothing behind; with one, an engine
 *       is made within the bound on handshakes (the same rules as the raw level's, docs/DTLS.md).</li>
 *   <li>An association whose handshake completed but whose udpnet connection did not come within the connect
 *       time-out, or ended, is closed with close_notify; one that the peer closes or that fails ends its udpnet connection with the reason.</li>
 * </ul>
 */
final class SecureShard implements SocketGroup.Handler, Outlet {
    private static final System.Logger LOG = System.getLogger("io.udpnet.messaging");
    private static final long SWEEP_NANOS = 1_000_000_000L;

    private final ServerShard shard;
    private final SocketGroup group;
    private final DtlsServerContext dtls;
    private final MessageServer server;
    private final Map<InetSocketAddress, Association> peers = new HashMap<>();
    private final HelloGate gate;
    /** The shard writes each datagram here; it leaves encrypted. */
    private final ByteBuffer plain;
    private final Output output = new Output();
    /** Associations whose connection ended, closed after the flush that sent its last datagrams. */
    private final List<Association> ending = new ArrayList<>();
    private final long unboundNanos;
    /** udpnet's largest datagram, which every record must hold. */
    private final int datagram;
    private long nextDeadline = Long.MAX_VALUE;
    private long sweptAt;
    /** Whether some established association has no udpnet connection yet: the sweep then has work. */
    private boolean unbound;

    SecureShard(ServerShard shard, SocketGroup group, DtlsServerContext dtls, MessageServer server, int largest) {
        this.shard = shard;
        this.group = group;
        this.dtls = dtls;
        this.gate = new HelloGate(dtls);
        this.server = server;
        this.plain = ByteBuffer.allocate(largest);
        this.datagram = server.config().connection().maxDatagramSize();
        // A client sends its REQUEST as soon as its DTLS handshake ends; one that does not within the connect
        // time-out is not going to, and its engine is memory an attacker with real addresses could pile up.
        this.unboundNanos = server.config().connection().connectTimeoutNanos();
        shard.outlet(this);
    }

    /** Associations on this shard, handshaking or established (for tests). */
    int associations() {
        return peers.size();
    }

    // ---- input ---------------------------------------------------------------------------------------------------

    @Override
    public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long now) {
        Association a = peers.get(from);
        if (a != null) {
            HelloGate.Verdict v = gate.fromSession(from, datagram, now);
            if (v == HelloGate.Verdict.PASS) {
                feed(from, a, datagram, now);
                return;
            }
            if (v != HelloGate.Verdict.PROVEN) {
                act(from, v);
                return;
            }
            // A proven new hello: the peer restarted, and what it had here is over.
            drop(from, a, DisconnectCode.REPLACED, "DTLS: the client started a new session");
        }
        // Plain udpnet, or anything else without a DTLS session, is rejected: nothing to answer.
        HelloGate.Verdict v = gate.fromStranger(from, datagram, now);
        if (v != HelloGate.Verdict.PROVEN) {
            act(from, v);
            return;
        }
        if (server.closing()) {
            return;
        }
        DtlsPeer peer = gate.admit(from, now);
        if (peer == null) {
            return;   // the bound on handshakes in progress: counted by the context
        }
        a = new Association(from, peer, now);
        peers.put(from, a);
        feed(from, a, datagram, now);
    }

    /** Sends the gate's HelloVerifyRequest; its other stateless verdicts are drops the context has counted. */
    private void act(InetSocketAddress from, HelloGate.Verdict v) {
        if (v == HelloGate.Verdict.VERIFY) {
            group.send(from, gate.reply());
        }
    }

    private void feed(InetSocketAddress from, Association a, ByteBuffer datagram, long now) {
        DtlsPeer peer = a.peer;
        DtlsPeer.State before = peer.state();
        long invalid = peer.invalidRecords();
        output.to = from;
        output.now = now;
        peer.receive(datagram, now, output);
        long d = peer.invalidRecords() - invalid;
        if (d > 0) {
            dtls.countInvalidRecords(d);
        }
        settle(from, a, before, now);
    }

    /** Follows an association's state after input or a timer: handshake ended, or the association closed. */
    private void settle(InetSocketAddress from, Association a, DtlsPeer.State before, long now) {
        DtlsPeer peer = a.peer;
        if (before == DtlsPeer.State.HANDSHAKING && peer.state() != DtlsPeer.State.HANDSHAKING) {
            dtls.handshakeEnded(peer, peer.state() == DtlsPeer.State.ESTABLISHED);
            a.establishedAt = now;
            if (!unbound) {
                unbound = true;
                sweptAt = now;
            }
            String unfit = peer.state() == DtlsPeer.State.ESTABLISHED
                    ? SecureSizing.unfit(peer.engine().getSession(), datagram) : null;
            if (unfit != null) {
                LOG.log(System.Logger.Level.WARNING, unfit + "; session with " + from + " closed");
                drop(from, a, DisconnectCode.PROTOCOL_VIOLATION, unfit);
                return;
            }
        }
        if (peer.state() == DtlsPeer.State.CLOSED) {
            if (peers.get(from) == a) {
                peers.remove(from);
            }
            dtls.release(peer);
            if (before != DtlsPeer.State.HANDSHAKING) {
                shard.securityEnded(from, code(peer), reason(peer));
            }
        } else if (peer.state() == DtlsPeer.State.HANDSHAKING) {
            nextDeadline = Math.min(nextDeadline, peer.deadline());
        }
    }

    private static DisconnectCode code(DtlsPeer peer) {
        return peer.closeCause() == DtlsPeer.CloseCause.PEER_CLOSED ? DisconnectCode.APPLICATION
                : DisconnectCode.PROTOCOL_VIOLATION;
    }

    static String reason(DtlsPeer peer) {
        return switch (peer.closeCause()) {
            case PEER_CLOSED -> "DTLS: the peer sent close_notify";
            case LOCAL_CLOSE -> "DTLS: closed here";
            case HANDSHAKE_TIMEOUT -> "DTLS: the handshake timed out";
            case FAILED -> "DTLS: " + (peer.failure() != null && peer.failure().getMessage() != null
                    ? peer.failure().getMessage() : "alert or failure");
        };
    }

    /** Ends an association at once (close_notify) and the udpnet connection over it. */
    private void drop(InetSocketAddress from, Association a, DisconnectCode code, String reason) {
        peers.remove(from);
        DtlsPeer.State before = a.peer.state();
        output.to = from;
        a.peer.close(output);
        if (before == DtlsPeer.State.HANDSHAKING) {
            dtls.handshakeEnded(a.peer, false);
        } else {
            dtls.release(a.peer);
            shard.securityEnded(from, code, reason);
        }
    }

    @Override
    public void onPathError(PathError error) {
        // The path's limit is the record's; udpnet's datagram inside it is the overhead smaller.
        shard.onPathError(error.mtu() == 0 ? error
                : new PathError(error.peer(), error.kind(), Math.max(1, error.mtu() - DtlsPeer.RECORD_OVERHEAD)));
    }

    // ---- output --------------------------------------------------------------------------------------------------

    @Override
    public ByteBuffer slot() {
        return plain.clear();
    }

    @Override
    public void commit(InetSocketAddress to) {
        Association a = peers.get(to);
        if (a == null || a.peer.state() != DtlsPeer.State.ESTABLISHED) {
            // Only a peer with a session can be answered: a plain client hears nothing (its connect times out).
            return;
        }
        output.to = to;
        try {
            if (!a.peer.send(plain, output)) {
                // Cannot happen while the engine's maximum is udpnet's plus the record overhead (SecureSizing).
                LOG.log(System.Logger.Level.WARNING, "a datagram of " + plain.remaining()
                        + " bytes did not fit one DTLS record; dropped");
            }
        } catch (javax.net.ssl.SSLException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "DTLS send to " + to + " failed", e);
        }
    }

    @Override
    public void opened(InetSocketAddress peer, Object owner) {
        Association a = peers.get(peer);
        if (a != null && a.owner == null) {
            a.owner = owner;
        }
    }

    @Override
    public void ended(InetSocketAddress peer, Object owner) {
        Association a = peers.get(peer);
        if (a != null && a.owner == owner) {
            ending.add(a);
        }
    }

    @Override
    public long flush(long now) {
        long next = shard.flush(now);
        for (int i = 0; i < ending.size(); i++) {
            Association a = ending.get(i);
            InetSocketAddress to = a.from;
            if (peers.get(to) == a) {
                peers.remove(to);
                output.to = to;
                a.peer.close(output);
                dtls.release(a.peer);
            }
        }
        ending.clear();
        if (now >= nextDeadline) {
            nextDeadline = Long.MAX_VALUE;
            timers(now);
        }
        if (unbound && now - sweptAt >= SWEEP_NANOS) {
            sweptAt = now;
            sweep(now);
        }
        // An idle server sleeps: the sweep wakes it only while a session waits for its connection.
        return Math.min(Math.min(next, nextDeadline), unbound ? sweptAt + SWEEP_NANOS : Long.MAX_VALUE);
    }

    /** Handshake retransmissions and time-outs. */
    private void timers(long now) {
        List<InetSocketAddress> due = new ArrayList<>();
        for (Map.Entry<InetSocketAddress, Association> e : peers.entrySet()) {
            DtlsPeer p = e.getValue().peer;
            if (p.state() == DtlsPeer.State.HANDSHAKING) {
                if (p.deadline() <= now) {
                    due.add(e.getKey());
                } else {
                    nextDeadline = Math.min(nextDeadline, p.deadline());
                }
            }
        }
        for (InetSocketAddress from : due) {
            Association a = peers.get(from);
            output.to = from;
            a.peer.onTimer(now, output);
            settle(from, a, DtlsPeer.State.HANDSHAKING, now);
        }
    }

    /** Closes sessions whose udpnet connection did not come within the connect time-out. */
    private void sweep(long now) {
        unbound = false;
        for (Iterator<Map.Entry<InetSocketAddress, Association>> it = peers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<InetSocketAddress, Association> e = it.next();
            Association a = e.getValue();
            if (a.owner == null && a.peer.state() == DtlsPeer.State.ESTABLISHED
                    && now - a.establishedAt > unboundNanos && shard.connectionAt(e.getKey()) == null) {
                it.remove();
                output.to = e.getKey();
                a.peer.close(output);
                dtls.release(a.peer);
            } else if (a.owner == null) {
                unbound = true;
            }
        }
    }

    @Override
    public void stopped() {
        shard.stopped();
        for (Association a : peers.values()) {
            if (a.peer.state() == DtlsPeer.State.HANDSHAKING) {
                dtls.handshakeEnded(a.peer, false);
            } else {
                dtls.release(a.peer);
            }
        }
        peers.clear();
    }

    /** One peer's association and the udpnet connection it carries, once there is one. */
    private static final class Association {
        final InetSocketAddress from;
        final DtlsPeer peer;
        Object owner;
        long establishedAt;

        Association(InetSocketAddress from, DtlsPeer peer, long now) {
            this.from = from;
            this.peer = peer;
            this.establishedAt = now;
        }
    }

    /** Records to the group (queued, sent when the loop flushes); plaintext to the shard. */
    private final class Output implements DtlsPeer.Output {
        InetSocketAddress to;
        long now;

        @Override
        public void transmit(ByteBuffer datagram) {
            group.send(to, datagram);
        }

        @Override
        public void plaintext(ByteBuffer data) {
            shard.onDatagram(to, data, now);
        }
    }
}
