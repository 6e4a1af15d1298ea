package io.udpnet.dtls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;

/**
 * One DTLS association with one peer, as a sans-IO state machine over a JDK {@link SSLEngine}: it is handed the
 * datagrams that arrived and the time, and hands back, through an {@link Output}, the datagrams to send and the
 * plaintext received; {@link #deadline()} says when it wants {@link #onTimer} for a handshake retransmission.
 * It owns no socket, thread or clock. Not thread-safe: its driver serialises calls.
 *
 * <p>Handshake flights are retransmitted by the engine itself when asked to wrap while it waits for the peer
 * (RFC 6347 section 4.2.4); this class decides when, by its {@code FlightTimer}: after the initial time-out,
 * doubling up to a maximum, and it gives up when the handshake time-out passes. Records are handed to the engine one at a time, so a record the
 * engine discards (bad MAC, wrong epoch, replay) is seen and counted in {@link #invalidRecords()}; a datagram whose
 * record headers do not add up is dropped whole and counted there too. Neither ends the association: only an alert
 * from the peer, a failed handshake, or a close does.
 *
 * <p>The class is long because the engine's statuses (wrap, unwrap, delegated tasks, retransmission, close) make one
 * state machine, which reads best in one place.
 */
public final class DtlsPeer {
    /** The life of an association. */
    public enum State {
        /** The handshake is running. */
        HANDSHAKING,
        /** The handshake completed: application data flows. */
        ESTABLISHED,
        /** Ended; {@link #closeCause()} says why. */
        CLOSED
    }

    /** Why an association ended. */
    public enum CloseCause {
        /** The peer sent close_notify. */
        PEER_CLOSED,
        /** This side closed ({@link #close}). */
        LOCAL_CLOSE,
        /** The peer sent a fatal alert, or the handshake or a record failed fatally here (an alert was sent). */
        FAILED,
        /** The handshake did not complete within its time-out. */
        HANDSHAKE_TIMEOUT
    }

    /** Where an association's output goes. Called on the caller's thread, during the call that produced it. */
    public interface Output {
        /**
         * A datagram to send to the peer.
         *
         * @param datagram position..limit; valid only during the call
         */
        void transmit(ByteBuffer datagram);

        /**
         * Application data received from the peer: one record, which is one datagram of the sender's.
         *
         * @param data position..limit; valid only during the call
         */
        void plaintext(ByteBuffer data);
    }

    /**
     * Bytes a record of application data adds to its plaintext with the AEAD suites the JDK negotiates by default:
     * a 13-byte record header, for AES-GCM an 8-byte explicit nonce, and a 16-byte tag (ChaCha20-Poly1305 adds 8
     * fewer). A datagram of plaintext this much under the engine's maximum always fits one record.
     */
    public static final int RECORD_OVERHEAD = 13 + 8 + 16;

    private static final byte CONTENT_APPLICATION_DATA = 23;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final FlightTimer timer;
    private ByteBuffer netOut;
    private ByteBuffer appIn;
    private State state = State.HANDSHAKING;
    private CloseCause closeCause;
    private SSLException failure;
    private long invalidRecords;
    private boolean released;

    /**
     * Wraps an engine that is configured (client or server mode, parameters) but not yet started.
     *
     * @param engine           the engine; this object drives it from now on
     * @param initialRtoNanos  the first retransmission time-out
     * @param maxRtoNanos      the largest retransmission time-out
     * @param handshakeTimeoutNanos how long the handshake may take in all
     * @param now              the time now
     */
    public DtlsPeer(SSLEngine engine, long initialRtoNanos, long maxRtoNanos, long handshakeTimeoutNanos, long now) {
        this.engine = engine;
        this.timer = new FlightTimer(initialRtoNanos, maxRtoNanos, handshakeTimeoutNanos, now);
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    /**
     * Starts the handshake; a client sends its first flight.
     *
     * @param now the time now
     * @param out where datagrams go
     */
    public void start(long now, Output out) {
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            fail(e, out);
            return;
        }
        drive(EMPTY, now, out);
        if (state == State.HANDSHAKING) {
            timer.arm(now);
        }
    }

    /**
     * Processes one received datagram: every record in it, in order.
     *
     * @param datagram position..limit; consumed
     * @param now      the time now
     * @param out      where datagrams and plaintext go
     */
    public void receive(ByteBuffer datagram, long now, Output out) {
        if (state == State.CLOSED) {
            datagram.position(datagram.limit());
            return;
        }
        int end = datagram.limit();
        try {
            while (datagram.position() < end && state != State.CLOSED) {
                int p = datagram.position();
                if (end - p < ClientHello.RECORD_HEADER) {
                    invalidRecords++;
                    break;
                }
                int recordEnd = p + ClientHello.RECORD_HEADER + ClientHello.u16(datagram, p + 11);
                // A record longer than the engine takes would make it throw; a forged one must not end anything.
                if (recordEnd > end || recordEnd - p > engine.getSession().getPacketBufferSize()) {
                    invalidRecords++;
                    break;
                }
                boolean applicationData = datagram.get(p) == CONTENT_APPLICATION_DATA;
                datagram.limit(recordEnd);
                boolean moved = drive(datagram, now, out);
                if (applicationData && !moved && state != State.CLOSED) {
                    invalidRecords++;
                }
                datagram.limit(end).position(recordEnd);
            }
        } finally {
            datagram.limit(end).position(end);
        }
    }

    /**
     * Retransmits the last flight if its time-out passed, or ends the handshake when its own passed.
     *
     * @param now the time now
     * @param out where datagrams go
     */
    public void onTimer(long now, Output out) {
        if (state != State.HANDSHAKING || !timer.due(now)) {
            return;
        }
        if (timer.handshakeExpired(now)) {
            state = State.CLOSED;
            closeCause = CloseCause.HANDSHAKE_TIMEOUT;
            timer.stop();
            return;
        }
        timer.backOff();
        // Asked to wrap while it waits for the peer, the engine sends its last flight again.
        wrapPending(out, true);
        timer.arm(now);
    }

    /**
     * Encrypts one datagram of application data into one record and hands it to {@code out}.
     *
     * @param plaintext position..limit; consumed when sent
     * @param out       where the datagram goes
     * @return true when sent; false when the data does not fit one record (nothing is consumed or sent)
     * @throws SSLException when the association is closed or the engine fails
     * @throws IllegalStateException before the handshake completed
     * @throws IllegalArgumentException when {@code plaintext} is empty
     */
    public boolean send(ByteBuffer plaintext, Output out) throws SSLException {
        if (state == State.CLOSED) {
            throw new SSLException("DTLS association closed: " + closeCause, failure);
        }
        if (state != State.ESTABLISHED) {
            throw new IllegalStateException("the DTLS handshake has not completed");
        }
        if (!plaintext.hasRemaining()) {
            // An empty record is what a receiver cannot tell from one it discarded: refuse it here.
            throw new IllegalArgumentException("DTLS carries no empty datagrams");
        }
        int start = plaintext.position();
        netOut.clear();
        SSLEngineResult r = engine.wrap(plaintext, netOut);
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            plaintext.position(start);
            throw new SSLException("DTLS association closed");
        }
        if (plaintext.hasRemaining() || r.getStatus() != SSLEngineResult.Status.OK) {
            plaintext.position(start);
            return false;
        }
        netOut.flip();
        out.transmit(netOut);
        return true;
    }

    /**
     * Sends close_notify and ends the association. Idempotent.
     *
     * @param out where the alert goes
     */
    public void close(Output out) {
        end(CloseCause.LOCAL_CLOSE, out);
    }

    /** @return the state */
    public State state() {
        return state;
    }

    /** @return why the association closed, or null while it is open */
    public CloseCause closeCause() {
        return closeCause;
    }

    /** @return the engine's exception behind {@link CloseCause#FAILED}, or null */
    public SSLException failure() {
        return failure;
    }

    /** @return when {@link #onTimer} is due, {@link Long#MAX_VALUE} for never */
    public long deadline() {
        return timer.deadline();
    }

    /** @return records dropped as invalid (bad MAC, replay, wrong epoch, broken headers) */
    public long invalidRecords() {
        return invalidRecords;
    }

    /** @return flights retransmitted on time-out */
    public int retransmissions() {
        return timer.retransmissions();
    }

    /** Marks the association's engine as let go; true the first time only. */
    boolean markReleased() {
        if (released) {
            return false;
        }
        released = true;
        return true;
    }

    /** @return the engine, for its session (peer certificates, cipher suite) */
    public SSLEngine engine() {
        return engine;
    }

    /**
     * Runs the engine on {@code src} (one record, or nothing) until it needs more input.
     *
     * @return true when the input produced plaintext or moved the handshake on
     */
    private boolean drive(ByteBuffer src, long now, Output out) {
        boolean moved = false;
        try {
            for (int guard = 0; guard < 64 && state != State.CLOSED; guard++) {
                HandshakeStatus hs = engine.getHandshakeStatus();
                switch (hs) {
                    case NEED_TASK -> runTasks();
                    case NEED_WRAP -> {
                        wrapPending(out, false);
                        if (state == State.HANDSHAKING) {
                            timer.arm(now);
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN, NOT_HANDSHAKING, FINISHED -> {
                        if (hs != HandshakeStatus.NEED_UNWRAP_AGAIN && !src.hasRemaining()) {
                            return moved;
                        }
                        int before = src.position();
                        SSLEngineResult r = unwrap(src, out);
                        if (r == null) {
                            return moved;
                        }
                        moved |= r.bytesProduced() > 0 || r.getHandshakeStatus() != hs;
                        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                            established();
                            moved = true;
                        }
                        if (hs != HandshakeStatus.NEED_UNWRAP_AGAIN && src.position() == before
                                && r.getHandshakeStatus() == hs) {
                            return moved;
                        }
                    }
                    default -> {
                        return moved;
                    }
                }
            }
        } catch (SSLException e) {
            if (!engine.isInboundDone()) {
                // Not fatal to the engine (a fatal error closes its inbound side): a record it refused, which
                // anyone could have sent from the peer's address. Dropped and counted; the association lives on.
                invalidRecords++;
                src.position(src.limit());
                return moved;
            }
            fail(e, out);
        } catch (RuntimeException e) {
            fail(new SSLException(e), out);
        }
        return moved;
    }

    private SSLEngineResult unwrap(ByteBuffer src, Output out) throws SSLException {
        while (true) {
            appIn.clear();
            SSLEngineResult r = engine.unwrap(src, appIn);
            switch (r.getStatus()) {
                case BUFFER_OVERFLOW -> appIn = ByteBuffer.allocate(Math.max(appIn.capacity() * 2,
                        engine.getSession().getApplicationBufferSize()));
                case BUFFER_UNDERFLOW -> {
                    invalidRecords++;
                    src.position(src.limit());
                    return null;
                }
                case CLOSED -> {
                    end(CloseCause.PEER_CLOSED, out);
                    return r;
                }
                default -> {
                    if (appIn.position() > 0) {
                        appIn.flip();
                        out.plaintext(appIn);
                    }
                    return r;
                }
            }
        }
    }

    /**
     * Wraps while the engine has records to send: a flight (in several datagrams), an alert, a retransmission.
     * {@code force} makes the first wrap happen whatever the engine's status: a retransmission, or the alert of a
     * close.
     */
    private void wrapPending(Output out, boolean force) {
        try {
            for (int i = 0; i < 64; i++) {
                HandshakeStatus hs = engine.getHandshakeStatus();
                if (hs == HandshakeStatus.NEED_TASK) {
                    runTasks();
                    continue;
                }
                if (hs != HandshakeStatus.NEED_WRAP && !(force && i == 0)) {
                    return;
                }
                netOut.clear();
                SSLEngineResult r = engine.wrap(EMPTY, netOut);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2,
                            engine.getSession().getPacketBufferSize()));
                    continue;
                }
                netOut.flip();
                if (netOut.hasRemaining()) {
                    out.transmit(netOut);
                }
                if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                    established();
                }
                if (r.bytesProduced() == 0) {
                    return;
                }
            }
        } catch (SSLException | RuntimeException e) {
            if (state != State.CLOSED) {
                fail(e instanceof SSLException s ? s : new SSLException(e), out);
            }
        }
    }

    private void established() {
        if (state == State.HANDSHAKING) {
            state = State.ESTABLISHED;
            timer.stop();
        }
    }

    private void fail(SSLException e, Output out) {
        if (state != State.CLOSED) {
            failure = e;
            end(CloseCause.FAILED, out);
        }
    }

    /**
     * Ends the association and sends what the engine has to say last: close_notify for a local close, our own
     * close_notify in answer to the peer's (as TLS asks), or the fatal alert of a failure. Idempotent.
     */
    private void end(CloseCause cause, Output out) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closeCause = cause;
        timer.stop();
        engine.closeOutbound();
        wrapPending(out, true);
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
