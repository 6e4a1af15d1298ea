package io.udpnet.coap;

import io.udpnet.coap.message.BlockOption;
import io.udpnet.coap.message.CoapCode;
import io.udpnet.coap.message.CoapFormatException;
import io.udpnet.coap.message.CoapMessage;
import io.udpnet.coap.message.CoapOption;
import io.udpnet.coap.message.MessageCodec;
import io.udpnet.coap.message.MessageType;
import io.udpnet.coap.message.OptionNumber;
import io.udpnet.transport.DatagramSession;
import io.udpnet.transport.DatagramSessionListener;
import io.udpnet.transport.SessionCloseReason;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CoAP endpoint state of one peer on one transport (one {@link DatagramSession}): message IDs, the
 * confirmable messages sent to it and not yet acknowledged, and how many of its requests are being processed.
 * Datagrams arrive on the transport's I/O thread; handlers run on the server's virtual threads.
 */
final class PeerHandler implements DatagramSessionListener {
    private static final System.Logger LOG = System.getLogger("io.udpnet.coap");
    /**
     * The amplification budget's floor: a 16-byte block with an 8-byte token, its options and an Echo value fits,
     * so a tiny request still gets its answer, block by block. A request's datagram is at least 4 bytes.
     */
    static final int MIN_LIMITED_DATAGRAM = 64;
    /**
     * A peer silent this long gets its next notification confirmable: its ACK shows it is still there and keeps its
     * session from the transport's idle time-out (60 s by default).
     */
    static final long SILENCE_BEFORE_CON_NANOS = 30_000_000_000L;

    private final CoapServer server;
    private final DatagramSession session;
    private final AtomicInteger nextMid = new AtomicInteger(ThreadLocalRandom.current().nextInt(0x10000));
    private final AtomicInteger inProgress = new AtomicInteger();
    private final Block1Assembler block1;
    private final Map<Integer, Outgoing> pending = new ConcurrentHashMap<>();
    /** Whether the peer has shown it receives at its address; until then responses are size-limited. */
    private volatile boolean verified;
    private volatile boolean closed;
    private volatile long lastHeardNanos = System.nanoTime();

    PeerHandler(CoapServer server, DatagramSession session, boolean verified) {
        this.server = server;
        this.session = session;
        this.verified = verified;
        this.block1 = new Block1Assembler(server.config.exchangeLifetime().toNanos());
    }

    DatagramSession session() {
        return session;
    }

    @Override
    public void onDatagram(DatagramSession s, ByteBuffer datagram) {
        if (server.isClosed()) {
            return; // a transport the server did not open may outlive it
        }
        lastHeardNanos = System.nanoTime();
        CoapMessage m;
        int size = datagram.remaining();
        try {
            m = MessageCodec.decode(datagram);
        } catch (CoapFormatException e) {
            server.counters.malformed.increment();
            // RFC 7252 4.2/4.3: a confirmable message we cannot parse is rejected; anything else is ignored.
            if (e.type() == MessageType.CON) {
                sendReset(e.messageId());
            }
            return;
        }
        switch (m.type()) {
            case ACK, RST -> onAckOrReset(m);
            case CON, NON -> onConOrNon(m, size);
        }
    }

    @Override
    public void onClosed(DatagramSession s, SessionCloseReason reason) {
        closed = true;
        for (Outgoing o : pending.values()) {
            o.cancel();
        }
        pending.clear();
        server.peerClosed(this);
    }

    private void onAckOrReset(CoapMessage m) {
        if (m.type() == MessageType.RST && !m.isEmpty()) {
            server.counters.malformed.increment();
            return;
        }
        Outgoing o = pending.remove(m.messageId());
        if (o != null) {
            verified = true; // it answered a message ID that only a receiver of our datagram knows
            o.cancel();
            if (o.observer != null) {
                synchronized (o.observer) {
                    if (o.observer.inFlight == o) {
                        o.observer.inFlight = null;
                    }
                }
            }
        }
        if (m.type() == MessageType.RST) {
            // A Reset for a notification, confirmable or not, cancels the observation (RFC 7641 section 3.6).
            server.resetReceived(this, m.messageId());
        }
    }

    private void onConOrNon(CoapMessage m, int size) {
        if (m.isEmpty()) {
            if (m.type() == MessageType.CON) {
                sendReset(m.messageId()); // CoAP ping
            }
            return;
        }
        if (!CoapCode.isRequest(m.code())) {
            // A response we never asked for, or a reserved code class: it lacks context (RFC 7252 section 4.2).
            if (m.type() == MessageType.CON) {
                sendReset(m.messageId());
            }
            return;
        }
        if (!verified && server.config.amplificationFactor() > 0) {
            CoapOption echo = m.option(AddressCheck.ECHO);
            if (echo != null && server.addressCheck.verify(session.remoteAddress(), echo.value(), epochSeconds())) {
                verified = true;
            }
        }
        long now = System.nanoTime();
        DedupCache.Entry entry = new DedupCache.Entry(now);
        DedupCache.Entry old = server.dedup.putIfAbsent(
                new DedupCache.Key(session.remoteAddress(), session.localAddress(), m.messageId()), entry, now);
        if (old != null) {
            server.counters.duplicates.increment();
            byte[] reply;
            synchronized (old) {
                reply = old.reply;
            }
            if (reply != null) {
                send(reply);
            }
            return;
        }
        if (inProgress.incrementAndGet() > server.config.maxExchangesPerPeer()) {
            inProgress.decrementAndGet();
            server.counters.overloaded.increment();
            respond(entry, m, CoapResponse.of(CoapCode.SERVICE_UNAVAILABLE).withMaxAge(1), -1, size, null);
            return;
        }
        try {
            if (m.type() == MessageType.CON) {
                long after = server.config.separateResponseAfter().toNanos();
                server.scheduler.schedule(() -> acknowledgeEarly(entry, m), after, TimeUnit.NANOSECONDS);
            }
            server.handlers.execute(() -> {
                try {
                    process(m, entry, size);
                } finally {
                    inProgress.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            inProgress.decrementAndGet(); // the server is closing
        }
    }

    /** The handler is still running: acknowledge now so the client stops retransmitting (a separate response). */
    private void acknowledgeEarly(DedupCache.Entry entry, CoapMessage request) {
        synchronized (entry) {
            if (entry.reply != null) {
                return;
            }
            entry.reply = MessageCodec.encode(CoapMessage.empty(MessageType.ACK, request.messageId()));
            send(entry.reply);
        }
    }

    private void process(CoapMessage request, DedupCache.Entry entry, int size) {
        CoapMessage m = request;
        CoapResponse resp = null;
        CoapOption block1Echo = null;
        long observeSeq = -1;
        int bad = RequestChecks.unsupportedCriticalOption(m);
        CoapResource resource = server.resource(m.uriPath());
        if (bad == OptionNumber.PROXY_URI || bad == OptionNumber.PROXY_SCHEME) {
            resp = CoapResponse.of(CoapCode.PROXYING_NOT_SUPPORTED);
        } else if (bad >= 0) {
            resp = CoapResponse.of(CoapCode.BAD_OPTION);
        } else if (resource == null) {
            resp = CoapResponse.of(CoapCode.NOT_FOUND);
        } else if (resource.handler(m.code()) == null) {
            resp = CoapResponse.of(CoapCode.METHOD_NOT_ALLOWED);
        } else if (m.option(OptionNumber.BLOCK1) != null) {
            Block1Assembler.Step step = block1.offer(m, System.nanoTime());
            resp = step.response();
            block1Echo = step.echo();
            m = step.request() != null ? step.request() : m;
        }
        if (resp == null) {
            long observe = m.uintOption(OptionNumber.OBSERVE);
            boolean register = observe == 0 && m.code() == CoapCode.GET && resource.isObservable()
                    && RequestChecks.firstBlock(m);
            if (observe == 1) {
                server.deregister(this, m.token());
            }
            resp = server.call(resource, new CoapRequest(m, session.remoteAddress()));
            if (register && resp.isSuccess()) {
                if (server.register(resource, this, m, size)) {
                    observeSeq = server.nextObserveSequence();
                }
            } else if (register) {
                server.deregister(this, m.token());
            }
        }
        respond(entry, m, resp, observeSeq, size, block1Echo);
    }

    /** Sends the response piggy-backed on the ACK if the ACK has not gone out yet, else separately. */
    private void respond(DedupCache.Entry entry, CoapMessage m, CoapResponse resp, long observeSeq, int size,
                         CoapOption extra) {
        synchronized (entry) {
            if (m.type() == MessageType.NON) {
                entry.reply = MessageCodec.encode(encode(resp, m, MessageType.NON, nextMessageId(), m.token(),
                        observeSeq, size, extra));
                send(entry.reply);
                return;
            }
            if (entry.reply == null) {
                entry.reply = MessageCodec.encode(encode(resp, m, MessageType.ACK, m.messageId(), m.token(),
                        observeSeq, size, extra));
                send(entry.reply);
                return;
            }
        }
        server.counters.separateResponses.increment();
        int mid = nextMessageId();
        sendConfirmable(encode(resp, m, MessageType.CON, mid, m.token(), observeSeq, size, extra), null, 0);
    }

    /**
     * Encodes a response; to a peer not yet verified, no larger than the amplification limit allows, and with an
     * Echo value it can return to get verified (RFC 9175 section 2.4) when the limit made the response smaller.
     */
    private CoapMessage encode(CoapResponse resp, CoapMessage request, MessageType type, int mid, byte[] token,
                               long observeSeq, int requestSize, CoapOption extra) {
        CoapMessage m = encode(resp, request, type, mid, token, observeSeq, requestSize);
        return extra == null ? m : m.toBuilder().option(extra).build();
    }

    private CoapMessage encode(CoapResponse resp, CoapMessage request, MessageType type, int mid, byte[] token,
                               long observeSeq, int requestSize) {
        ResponseEncoder enc = server.encoder;
        int factor = server.config.amplificationFactor();
        CoapMessage full = enc.encode(resp, request, type, mid, token, observeSeq);
        if (verified || factor == 0) {
            return full;
        }
        byte[] echo = server.addressCheck.issue(session.remoteAddress(), epochSeconds());
        int echoBytes = 3 + echo.length; // option header with an extended delta (252 - last option), then the value
        long budget = Math.max((long) factor * requestSize, MIN_LIMITED_DATAGRAM);
        CoapMessage limited = enc.encodeLimited(resp, request, type, mid, token, observeSeq,
                (int) Math.min(Integer.MAX_VALUE, budget) - echoBytes);
        if (limited.equals(full)) {
            return full;
        }
        server.counters.amplificationLimited.increment();
        return limited.toBuilder().option(new CoapOption(AddressCheck.ECHO, echo)).build();
    }

    private static long epochSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    /** Sends a notification for an observation: confirmable every n-th time, or while one is in flight. */
    void notifyObserver(Observer obs, long seq) {
        if (closed) {
            return;
        }
        CoapResponse resp = server.call(obs.resource, new CoapRequest(obs.request, session.remoteAddress()));
        synchronized (obs) {
            obs.sent++;
            // An observer not yet verified gets confirmable notifications: a spoofed registration then ends after
            // one unanswered notification, and a real one is verified by its first ACK.
            boolean unverified = !verified && server.config.amplificationFactor() > 0;
            boolean con = obs.sent % server.config.conNotificationEvery() == 0 || obs.inFlight != null
                    || !resp.isSuccess() || unverified
                    || System.nanoTime() - lastHeardNanos > SILENCE_BEFORE_CON_NANOS;
            int mid = nextMessageId();
            CoapMessage msg = encode(resp, obs.request, con ? MessageType.CON : MessageType.NON, mid, obs.token, seq,
                    obs.requestSize);
            obs.lastMessageId = mid;
            server.counters.notifications.increment();
            if (con) {
                // A newer notification replaces the one in flight and inherits its retransmission count (RFC 7641
                // section 4.5.2), so an observer that went away is still found out in bounded time.
                int carried = 0;
                Outgoing old = obs.inFlight;
                if (old != null && pending.remove(old.messageId, old)) {
                    old.cancel();
                    carried = old.retransmissions;
                }
                obs.inFlight = sendConfirmable(msg, obs, carried);
            } else {
                send(MessageCodec.encode(msg));
            }
        }
        if (!resp.isSuccess()) {
            server.removeObserver(obs);
        }
    }

    private Outgoing sendConfirmable(CoapMessage msg, Observer obs, int retransmissions) {
        long timeout = server.config.initialTimeoutNanos(ThreadLocalRandom.current()) << retransmissions;
        Outgoing o = new Outgoing(msg.messageId(), MessageCodec.encode(msg), obs, retransmissions, timeout);
        pending.put(o.messageId, o);
        send(o.datagram);
        schedule(o);
        return o;
    }

    private void schedule(Outgoing o) {
        if (!closed && !server.isClosed()) {
            try {
                o.timer = server.scheduler.schedule(() -> retransmit(o), o.timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // the server closed meanwhile: nothing is retransmitted any more
            }
        }
    }

    private void retransmit(Outgoing o) {
        if (closed || pending.get(o.messageId) != o) {
            return;
        }
        if (o.retransmissions >= server.config.maxRetransmit()) {
            pending.remove(o.messageId, o);
            if (o.observer != null) {
                server.removeObserver(o.observer); // the observer no longer answers
            }
            return;
        }
        o.retransmissions++;
        o.timeoutNanos *= 2;
        server.counters.retransmissions.increment();
        send(o.datagram);
        schedule(o);
    }

    private int nextMessageId() {
        return nextMid.getAndIncrement() & 0xFFFF;
    }

    private void sendReset(int mid) {
        server.counters.resetsSent.increment();
        send(MessageCodec.encode(CoapMessage.empty(MessageType.RST, mid)));
    }

    private void send(byte[] datagram) {
        if (closed) {
            return;
        }
        try {
            session.send(ByteBuffer.wrap(datagram));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "CoAP send to " + session.remoteAddress() + " failed: " + e);
        }
    }
}
