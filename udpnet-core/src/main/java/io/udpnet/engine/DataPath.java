package io.udpnet.engine;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.wire.Crc;
import io.udpnet.wire.DataHeader;
import io.udpnet.wire.PacketHeader;
import io.udpnet.wire.Seq;
import io.udpnet.wire.WireFormat;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The data path of an established connection: channels, packing, acks, loss detection and retransmission. A pure
 * state machine like {@link Connection}, which owns it and adds the handshake, liveness and closing around it.
 * Messages are delivered to the {@link MessageListener} given at construction, from inside {@link #handleDatagram}.
 *
 * <p>Not thread-safe: one thread drives a connection. In steady state no method allocates.
 *
 * <p>This class holds the state both directions share (sequence numbers, the sent log, channels, estimators,
 * congestion control, control packets) and does the send half: one datagram's way out (window and pacing checks,
 * packing, the ack fields, CRC), the loss and probe timers, what the sent log's verdicts mean (loss, BUSY, path MTU
 * probes), and giving memory back when idle. The way in is {@link ReceiveSide}'s, which reads the shared state
 * through this class's final fields; everything that stands alone has a class of its own (Channels, SentLog,
 * AckTracker, ControlPackets, BusyPeer, PathMtu).
 */
final class DataPath implements SentLog.Listener {
    /** {@link #handleDatagram} result: the datagram was valid and processed. */
    static final int PROCESSED = 0;
    /** {@link #handleDatagram} result: dropped (foreign, corrupted, wrong token, duplicate or too old). */
    static final int DROPPED = 1;
    /** {@link #handleDatagram} result: carried this connection's token and a valid CRC but broke the protocol. */
    static final int VIOLATION = 2;
    /** Most ack-eliciting datagrams in flight; past it only acks are sent until some are acknowledged or lost. */
    static final int MAX_IN_FLIGHT = SentLog.CAPACITY / 2;
    /** Longest wait between probes, however long the idle time-out (PROTOCOL.md section 5). */
    static final long MAX_PROBE_INTERVAL = 2_500_000_000L;

    // The parts are package-private final fields: ReceiveSide works on the ones both halves share, and Connection
    // reads its figures (in flight, lost, queued, window) from them directly.
    private final ConnectionConfig config;
    private long token;
    final Counters stats = new Counters();
    /** Shared by the connections of one endpoint, which all run on its thread. */
    final Crc crc;
    final AckTracker acks;
    final SentLog sent = new SentLog(this);
    final Channels channels;
    final CongestionController congestion;
    private final PathMtu pathMtu;
    /** The time passed to the current handleDatagram or pollTransmit call, for the listener callbacks. */
    long now;
    final RttEstimator rtt;
    private int nextSeq;
    private boolean pingPending;
    final ControlPackets control = new ControlPackets();
    /** What the peer's BUSY packets said; made with the first that names one of our datagrams. */
    private BusyPeer busyPeer;
    private final ReceiveSide receive;
    private int probeCredit;
    /** When a message was last queued or received. */
    private long lastMessageAt;
    /** Whether the storage has been trimmed since the last message (a new connection's is at its smallest). */
    private boolean trimmed = true;

    /**
     * Creates the data path of a connection whose datagrams carry {@code token}; {@code crc} may be shared with
     * other connections driven by the same thread.
     */
    DataPath(ConnectionConfig config, long token, MessageListener handler, ByteBudget sharedReceive, Crc crc) {
        this.config = Objects.requireNonNull(config, "config");
        this.crc = crc;
        this.token = token;
        this.receive = new ReceiveSide(this, Objects.requireNonNull(handler, "handler"));
        this.acks = new AckTracker(config.ackFrequency(), config.maxAckDelayNanos());
        this.rtt = new RttEstimator(config.initialRttNanos());
        this.channels = new Channels(config, stats, receive, sharedReceive);
        this.congestion = CongestionControllers.create(config.congestion());
        this.pathMtu = PathMtu.of(config.maxDatagramSize(), config.pathMtuDiscovery(), Long.MIN_VALUE);
    }

    /**
     * Queues a message: the bytes between {@code message}'s position and limit are copied, the position is left
     * unchanged. Returns false, queuing nothing, when the channel's window or the connection's send buffer is full:
     * try again after datagrams have been acknowledged ({@link Channels#canSend} tells without trying).
     *
     * @throws IllegalArgumentException for a channel that does not exist, a message over the maximum size, or one
     *                                  that needs more fragments than an unreliable channel allows
     */
    boolean send(int channel, ByteBuffer message) {
        if (!channels.send(channel, message)) {
            return false;
        }
        onMessageActivity();
        return true;
    }

    /** A message was queued or received: the connection is in use, and the next idle spell may trim again. */
    void onMessageActivity() {
        lastMessageAt = now;
        trimmed = false;
    }

    /**
     * Processes one received datagram: the bytes between position and limit (consumed: position moves to limit).
     * Anything not a valid datagram of this connection is dropped and counted in {@link #stats()}; nothing throws.
     * Returns {@link #PROCESSED}, {@link #DROPPED} or {@link #VIOLATION}.
     */
    int handleDatagram(ByteBuffer datagram, long nowNanos) {
        return receive.handleDatagram(datagram, nowNanos);
    }

    /**
     * Writes the next datagram to send into {@code out} (from index 0; on return its position is 0 and its limit
     * the datagram's length) and returns its length, or returns 0 when there is nothing to send now. Call it until
     * it returns 0. {@code out} must hold at least {@link ConnectionConfig#maxDatagramSize()} bytes.
     */
    int pollTransmit(ByteBuffer out, long nowNanos) {
        if (control.disconnectsToSend() > 0) {
            return writeDisconnect(out, nowNanos);
        }
        this.now = nowNanos;
        runTimers(nowNanos);
        int probe = pathMtu.probeDue(nowNanos);
        if (probe > 0 && probeCredit == 0 && mayTransmit(nowNanos)) {
            return writeMtuProbe(out, probe, nowNanos);
        }
        boolean pending = pingPending || anyPending();
        boolean data = pending && mayTransmit(nowNanos);
        // A path response is tiny and the peer's validation waits for it: it goes even if the window is closed.
        boolean respond = control.responseOwed();
        if (!pending && sent.inFlight() < MAX_IN_FLIGHT && windowOpen()) {
            congestion.onAppLimited(sent.bytesInFlight(), nowNanos);
        }
        if (!data && !respond && !acks.ackDue(nowNanos)) {
            return 0;
        }
        int seq = open(out);
        int at = control.writeOwed(out, DataHeader.LENGTH);
        if (data || respond) {
            sent.begin(seq, nowNanos);
        }
        if (data) {
            // A probe after a probe time-out is cut to the base size, which every path carries: if large datagrams
            // are what stopped getting through, it still gets an ack back (RFC 8899 black-hole detection).
            int size = probeCredit > 0 ? WireFormat.MIN_DATAGRAM_SIZE : pathMtu.current();
            at = pack(out, at, size - WireFormat.CRC_SIZE, seq);
            if (probeCredit > 0 && --probeCredit > 0 && !anyPending()) {
                pingPending = true;
            }
        }
        return finish(out, seq, at, nowNanos, data || respond, true);
    }

    /** A datagram from the peer arrived at {@code now} with a BUSY naming our datagram {@code seq} (-1: none). */
    void onBusy(int seq, long now) {
        if (seq < 0) {
            return;   // the common case: no BUSY, nothing to make
        }
        if (busyPeer == null) {
            busyPeer = new BusyPeer();
        }
        busyPeer.onBusy(seq, nextSeq, now);
    }

    /** Starts a datagram in {@code out}: clears it and takes the next sequence number. */
    private int open(ByteBuffer out) {
        out.clear();
        int seq = nextSeq;
        nextSeq = Seq.add(nextSeq, 1);
        if (busyPeer != null) {
            busyPeer.onSend(seq);
        }
        return seq;
    }

    /**
     * Completes a datagram whose packets end at {@code at}: header with the current ack fields, CRC, counters; on
     * return {@code out} holds it from position 0 to its length, which is returned. {@code eliciting}: the caller
     * began its record, which is now in flight, and congestion control is told. {@code toPeer}: it goes to the
     * peer's validated address, so the acks it carries count as sent.
     */
    private int finish(ByteBuffer out, int seq, int at, long now, boolean eliciting, boolean toPeer) {
        DataHeader.write(out, token, seq, acks.hasAck() ? acks.ack() : 0, acks.hasAck() ? acks.ackBits() : 0,
                acks.ackDelayField(now));
        int len = at + WireFormat.CRC_SIZE;
        crc.seal(out, len);
        if (eliciting) {
            sent.end(len, now);
            congestion.onSent(seq, len, sent.bytesInFlight(), now);
            stats.elicitingSent++;
        }
        if (toPeer) {
            acks.onAckSent();
        }
        stats.datagramsSent++;
        stats.bytesSent += len;
        out.position(0).limit(len);
        return len;
    }

    /** A path MTU probe: a PING padded to {@code size} bytes, ack-eliciting, tracked like any datagram. */
    private int writeMtuProbe(ByteBuffer out, int size, long now) {
        int seq = open(out);
        sent.begin(seq, now);
        out.put(DataHeader.LENGTH, (byte) PacketHeader.TYPE_PING);
        for (int i = DataHeader.LENGTH + PacketHeader.PING_SIZE; i < size - WireFormat.CRC_SIZE; i++) {
            out.put(i, (byte) PacketHeader.TYPE_PADDING);
        }
        pathMtu.onProbeSent(seq, size);
        return finish(out, seq, size - WireFormat.CRC_SIZE, now, true, true);
    }

    /** The path carries datagrams of at most {@code largest} bytes (an ICMP report, or the local stack's). */
    void pathTooBig(int largest, long now) {
        pathMtu.tooBig(largest, now);
    }

    /** The datagram size in use now (path MTU discovery may raise it above 1200 bytes). */
    int datagramSize() {
        return pathMtu.current();
    }

    /** A datagram carrying only the DISCONNECT packet (and acks); not ack-eliciting, never retransmitted. */
    private int writeDisconnect(ByteBuffer out, long now) {
        int seq = open(out);
        return finish(out, seq, control.writeDisconnect(out, DataHeader.LENGTH), now, false, true);
    }

    /**
     * Writes a datagram carrying only a PATH_CHALLENGE with {@code challenge} (and the current ack fields, left
     * unchanged as the datagram goes to an address not yet validated) and returns its length. It takes the next
     * sequence but is not recorded as in flight: it leaves the connection's path, so its fate must not count as
     * loss or delivery there, and it is never retransmitted (the caller sends a new one if it goes unanswered).
     */
    int writePathChallenge(ByteBuffer out, long challenge, long nowNanos) {
        int seq = open(out);
        PacketHeader.writePath(out, DataHeader.LENGTH, PacketHeader.TYPE_PATH_CHALLENGE, challenge);
        return finish(out, seq, DataHeader.LENGTH + PacketHeader.PATH_SIZE, nowNanos, false, false);
    }

    /** The path responses and DISCONNECTs received, and the DISCONNECT to send. */
    ControlPackets control() {
        return control;
    }

    /** Makes the next datagram ack-eliciting even if no message waits (keep-alive). */
    void requestPing() {
        pingPending = true;
    }

    /** When an ack-eliciting datagram was last sent, or Long.MIN_VALUE. */
    long lastElicitingSentAt() {
        return sent.lastElicitingSentAt();
    }

    /** When an ack-eliciting datagram was last received, or Long.MIN_VALUE. */
    long lastElicitingReceivedAt() {
        return receive.lastElicitingReceivedAt();
    }

    void token(long token) {
        this.token = token;
    }

    long token() {
        return token;
    }

    /** The sequence number the next datagram sent takes. */
    int nextSeq() {
        return nextSeq;
    }

    /** Fills the datagram: a pending PING first, then packets from the channels. */
    private int pack(ByteBuffer out, int at, int end, int seq) {
        if (pingPending) {
            out.put(at, (byte) PacketHeader.TYPE_PING);
            at += PacketHeader.PING_SIZE;
            pingPending = false;
        }
        return channels.pack(out, at, end, seq, sent);
    }

    private void runTimers(long now) {
        if (sent.lossTimerArmed() && now >= sent.deadline(probeTimeout(), maxProbeInterval())) {
            sent.detectLosses(now, rtt.lossReferenceNanos(), rtt.lossFloorNanos());
        }
        // Not "else": a loss timer that found nothing disarms, and the probe time-out may already be due.
        if (!sent.lossTimerArmed() && sent.inFlight() > 0 && now >= sent.deadline(probeTimeout(), maxProbeInterval())) {
            sent.onProbeTimeout();
            // Two probes, as RFC 9002 section 6.2.4 suggests: on a lossy path one alone too often goes unanswered,
            // and every unanswered probe doubles the wait.
            probeCredit = 2;
            if (!anyPending()) {
                pingPending = true;
            }
        }
    }

    /**
     * Gives back what an idle connection does not need: once no message has been queued or received for half the
     * keep-alive interval, nothing is in flight and no reliable message waits for delivery, the sent-datagram
     * records and the congestion controller's per-datagram samples go back to their smallest size, and the send
     * queues, receivers and pooled buffers go (see docs/ARCHITECTURE.md, "Memory"). Called on every poll of an
     * established connection and after every datagram it processes, so it needs no timer of its own: the first
     * keep-alive after the connection went quiet finds it idle, and each keep-alive's ack trims again what the ping
     * took. A busy connection never qualifies, so it never shrinks and grows again in turn.
     *
     * @return true when this call let go of the channels' storage: the connection has just gone idle
     */
    boolean trimIfIdle(long nowNanos) {
        if (nowNanos - lastMessageAt < config.keepAliveNanos() / 2 || sent.inFlight() > 0) {
            return false;
        }
        // Again after each keep-alive exchange: the ping's record and samples go once it is acknowledged (cheap
        // when there is nothing to give back).
        sent.trim();
        congestion.onIdle();
        if (trimmed || !channels.quiet()) {
            return false;
        }
        channels.trim();
        receive.trim();
        trimmed = true;
        return true;
    }

    /** The next time {@link #pollTransmit} must be called even if nothing arrives, or {@link Long#MAX_VALUE}. */
    long nextDeadline() {
        if (control.disconnectsToSend() > 0 || control.responseOwed()) {
            return Long.MIN_VALUE;
        }
        long d = Math.min(acks.ackDeadline(), sent.deadline(probeTimeout(), maxProbeInterval()));
        if (probeCredit > 0 && (pingPending || anyPending())) {
            return Long.MIN_VALUE;
        }
        boolean canSend = sent.inFlight() < MAX_IN_FLIGHT && windowOpen();
        if ((pingPending || anyPending()) && canSend) {
            // Pacing may hold the next datagram back (until a train is due); a full window waits for acks (in d).
            d = Math.min(d, congestion.nextWakeTime(pathMtu.current(), now));
        } else if (canSend && pathMtu.nextProbeAt() != Long.MAX_VALUE) {
            d = Math.min(d, Math.max(pathMtu.nextProbeAt(), congestion.nextSendTime(pathMtu.current(), now)));
        }
        return d;
    }

    /** Whether an ack-eliciting datagram may leave now: datagram cap, congestion window and pacing allow it. */
    private boolean mayTransmit(long now) {
        if (probeCredit > 0) {
            return true;   // a probe after a probe time-out goes out whatever the window (RFC 9002 section 7.5)
        }
        return sent.inFlight() < MAX_IN_FLIGHT && windowOpen()
                && congestion.nextSendTime(pathMtu.current(), now) <= now;
    }

    private boolean windowOpen() {
        return sent.bytesInFlight() + pathMtu.current() <= congestion.congestionWindow();
    }

    /**
     * Probes go at least every quarter of the idle time-out, so a lossy but live path is not taken for dead, and at
     * least every {@link #MAX_PROBE_INTERVAL}, so a peer that refused messages for lack of room gets them again soon
     * after it has room, however long the idle time-out.
     */
    private long maxProbeInterval() {
        return Math.min(config.idleTimeoutNanos() / 4, MAX_PROBE_INTERVAL);
    }

    /** One probe time-out: the RTT estimate's, with the peer's maximum ack delay. */
    long probeTimeout() {
        return rtt.probeTimeoutNanos(config.maxAckDelayNanos());
    }

    /** Whether a message waits to be sent. */
    boolean anyPending() {
        return channels.anyPending();
    }

    /** A snapshot of this connection's counters and estimates. */
    ConnectionStats stats() {
        ConnectionStats s = ConnectionStats.of(stats);
        s.datagramsLost = sent.declaredLost();
        s.smoothedRttNanos = rtt.smoothedNanos();
        s.rttVarianceNanos = rtt.varianceNanos();
        s.minRttNanos = rtt.minNanos();
        s.congestionWindow = congestion.congestionWindow();
        s.bytesInFlight = sent.bytesInFlight();
        s.pacingRate = congestion.pacingRate();
        s.spuriousLosses = sent.spuriousLosses();
        s.spuriousProbeTimeouts = sent.lateProbedAcks();
        s.pathMtuProbes = pathMtu.probesSent();
        s.pathMtuBlackHoles = pathMtu.blackHoles();
        s.datagramSize = pathMtu.current();
        return s;
    }

    /** The connection's configuration. */
    ConnectionConfig config() {
        return config;
    }

    void pauseReceiving(boolean paused) {
        receive.pause(paused);
    }

    void releaseReceiveMemory() {
        channels.clearReceivers();
    }

    @Override
    public void onEntryAcked(long entry) {
        if (busyPeer != null) {
            busyPeer.onMessageAcked();
        }
        channels.onEntryAcked(entry);
    }

    @Override
    public boolean holdProbeBackoff() {
        // A busy peer answers each probe interval's data probe with a BUSY; quiet for two intervals, it is not busy.
        return busyPeer != null && busyPeer.busy(now, 2 * maxProbeInterval());
    }

    @Override
    public void onEntryLost(long entry, int datagramSeq) {
        channels.onEntryLost(entry, datagramSeq);
    }

    @Override
    public void onDatagramAcked(int seq, int bytes) {
        pathMtu.onAcked(seq, bytes);
        congestion.onAcked(seq, bytes, now);
    }

    @Override
    public void onDatagramLost(int seq, int bytes) {
        if (pathMtu.onLost(seq, bytes, now)) {
            return;
        }
        if (busyPeer != null && busyPeer.refused(seq)) {
            stats.refusedByPeer++;   // the path did not lose it: no reason to slow down
        } else {
            congestion.onLost(seq, bytes, now);
        }
    }

    boolean pingPending() {
        return pingPending;
    }
}
