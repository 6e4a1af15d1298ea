package io.udpnet.transport;

import io.udpnet.dtls.DtlsPeer;
import io.udpnet.dtls.DtlsServerContext;
import io.udpnet.dtls.HelloGate;
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
 * The DTLS front of one socket group: what a {@link Dispatcher} does for plain datagrams, with a handshake between
 * a new peer's first datagram and its session. On the group's I/O thread only, so its tables need no lock.
 *
 * <ul>
 *   <li>A datagram from an open session's address goes to that session, which decrypts it.</li>
 *   <li>One from a peer whose handshake is running goes to its {@link DtlsPeer}.</li>
 *   <li>Anything else must be a ClientHello, judged by a {@link HelloGate}. Without a cookie this server made for
 *       the sender's address it gets a HelloVerifyRequest (rate-limited, never larger than the hello) and leaves
 *       nothing behind: no engine, no table entry. With a valid cookie the address is proven: an engine is made (within the bound on handshakes)
 *       and given the hello. The JDK engine then runs its own cookie exchange, which costs a round trip with a
 *       client whose address is already known to be real.</li>
 * </ul>
 * When a handshake completes the peer becomes a session through the dispatcher, as a plain peer does on its first
 * datagram; retransmission time-outs of running handshakes are served from {@link #flush}.
 */
final class SecureGate implements SocketGroup.Handler {
    private final Dispatcher dispatcher;
    private final SocketGroup group;
    private final DtlsServerContext dtls;
    private final Map<InetSocketAddress, DtlsPeer> handshakes = new HashMap<>();
    private final HelloGate gate;
    /** Plaintext that arrived in the datagram completing a handshake, for the new session. */
    private final List<byte[]> early = new ArrayList<>();
    private final Output output = new Output();
    private long nextDeadline = Long.MAX_VALUE;

    SecureGate(Dispatcher dispatcher, SocketGroup group, DtlsServerContext dtls) {
        this.dispatcher = dispatcher;
        this.group = group;
        this.dtls = dtls;
        this.gate = new HelloGate(dtls);
    }

    /** Handshakes in progress on this group (for tests through the server's counters). */
    int handshakeCount() {
        return handshakes.size();
    }

    @Override
    public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long now) {
        DatagramSession session = dispatcher.session(from);
        if (session != null) {
            HelloGate.Verdict v = gate.fromSession(from, datagram, now);
            if (v == HelloGate.Verdict.PASS) {
                session.deliverRecords(datagram, now);
                return;
            }
            if (v != HelloGate.Verdict.PROVEN) {
                act(from, v);
                return;
            }
            // A proven new hello: the peer restarted, and its old session is over.
            session.closeWith(SessionCloseReason.PEER_CLOSED, null);
        }
        DtlsPeer peer = handshakes.get(from);
        if (peer != null) {
            feed(from, peer, datagram, now);
            return;
        }
        HelloGate.Verdict v = gate.fromStranger(from, datagram, now);
        if (v != HelloGate.Verdict.PROVEN) {
            act(from, v);
            return;
        }
        DatagramDropReason refusal = dispatcher.refusalOfNewPeer(from, datagram);
        if (refusal != null) {
            dispatcher.counters().drop(refusal);
            return;
        }
        peer = gate.admit(from, now);
        if (peer == null) {
            dispatcher.counters().drop(DatagramDropReason.HANDSHAKE_LIMIT);
            return;
        }
        handshakes.put(from, peer);
        feed(from, peer, datagram, now);
    }

    /** Carries out the gate's stateless verdicts, counting them as the dispatcher's drops and sends. */
    private void act(InetSocketAddress from, HelloGate.Verdict v) {
        switch (v) {
            case REJECTED -> dispatcher.counters().drop(DatagramDropReason.DTLS_REJECTED);
            case RATE_LIMITED -> dispatcher.counters().drop(DatagramDropReason.DTLS_RATE_LIMITED);
            case VERIFY -> {
                ByteBuffer reply = gate.reply();
                int n = reply.remaining();
                group.send(from, reply);
                dispatcher.counters().sent(n);
            }
            default -> throw new IllegalStateException("not a stateless verdict: " + v);
        }
    }

    private void feed(InetSocketAddress from, DtlsPeer peer, ByteBuffer datagram, long now) {
        long invalid = peer.invalidRecords();
        output.to = from;
        peer.receive(datagram, now, output);
        countInvalid(peer, invalid);
        settle(from, peer);
        if (peer.state() == DtlsPeer.State.HANDSHAKING) {
            nextDeadline = Math.min(nextDeadline, peer.deadline());
        }
    }

    private void countInvalid(DtlsPeer peer, long before) {
        long d = peer.invalidRecords() - before;
        if (d > 0) {
            dtls.countInvalidRecords(d);
            for (long i = 0; i < d; i++) {
                dispatcher.counters().drop(DatagramDropReason.DTLS_INVALID_RECORD);
            }
        }
    }

    /** Moves a handshake that ended out of the table: into a session, or gone. */
    private void settle(InetSocketAddress from, DtlsPeer peer) {
        switch (peer.state()) {
            case ESTABLISHED -> {
                handshakes.remove(from);
                dtls.handshakeEnded(peer, true);
                List<byte[]> data = early.isEmpty() ? List.of() : List.copyOf(early);
                early.clear();
                dispatcher.newSecurePeer(from, peer, group, data);
            }
            case CLOSED -> {
                handshakes.remove(from);
                early.clear();
                dtls.handshakeEnded(peer, false);
            }
            default -> {
            }
        }
    }

    @Override
    public void onPathError(PathError error) {
        dispatcher.pathError(error);
    }

    @Override
    public long flush(long now) {
        if (now < nextDeadline) {
            return nextDeadline;
        }
        nextDeadline = Long.MAX_VALUE;
        for (Iterator<Map.Entry<InetSocketAddress, DtlsPeer>> it = handshakes.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<InetSocketAddress, DtlsPeer> e = it.next();
            DtlsPeer peer = e.getValue();
            output.to = e.getKey();
            peer.onTimer(now, output);
            if (peer.state() == DtlsPeer.State.CLOSED) {
                it.remove();
                dtls.handshakeEnded(peer, false);
            } else {
                nextDeadline = Math.min(nextDeadline, peer.deadline());
            }
        }
        return nextDeadline;
    }

    @Override
    public void stopped() {
        for (DtlsPeer peer : handshakes.values()) {
            dtls.handshakeEnded(peer, false);
        }
        handshakes.clear();
    }

    /** Handshake output: datagrams queued on the group (sent when the loop flushes), early plaintext kept. */
    private final class Output implements DtlsPeer.Output {
        InetSocketAddress to;

        @Override
        public void transmit(ByteBuffer datagram) {
            int n = datagram.remaining();
            group.send(to, datagram);
            dispatcher.counters().sent(n);
        }

        @Override
        public void plaintext(ByteBuffer data) {
            if (early.size() < 16) {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                early.add(copy);
            }
        }
    }
}
