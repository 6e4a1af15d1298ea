package io.udpnet.dtls;

/**
 * When a DTLS handshake flight is sent again and when the handshake gives up (RFC 6347 section 4.2.4): the first
 * time-out, doubled on every retransmission up to a maximum, never past the handshake's own deadline. Plain
 * arithmetic on the caller's clock; the association that owns it serialises calls.
 */
final class FlightTimer {
    private final long initialRto;
    private final long maxRto;
    private final long handshakeDeadline;
    private long rto;
    private long deadline = Long.MAX_VALUE;
    private int retransmissions;

    FlightTimer(long initialRtoNanos, long maxRtoNanos, long handshakeTimeoutNanos, long now) {
        this.initialRto = initialRtoNanos;
        this.maxRto = maxRtoNanos;
        this.rto = initialRtoNanos;
        this.handshakeDeadline = now + handshakeTimeoutNanos;
    }

    /** A flight went out at {@code now}: wait one time-out for the answer, at most until the handshake's end. */
    void arm(long now) {
        deadline = Math.min(now + rto, handshakeDeadline);
    }

    /** @return true when the timer is due at {@code now} */
    boolean due(long now) {
        return now >= deadline;
    }

    /** @return true when the whole handshake's time is up at {@code now} */
    boolean handshakeExpired(long now) {
        return now - handshakeDeadline >= 0;
    }

    /** A flight is sent again: count it and double the time-out, up to the maximum. */
    void backOff() {
        retransmissions++;
        rto = Math.min(rto * 2, maxRto);
    }

    /** The handshake ended (done or not): nothing more is due, and the next flight starts from the first time-out. */
    void stop() {
        deadline = Long.MAX_VALUE;
        rto = initialRto;
    }

    /** @return when the timer is due, {@link Long#MAX_VALUE} for never */
    long deadline() {
        return deadline;
    }

    /** @return flights sent again on time-out */
    int retransmissions() {
        return retransmissions;
    }
}
