package io.udpnet.engine;

/**
 * Decides how much a connection may have in flight and how fast it may send. A connection calls it from its one
 * thread, with the current time in nanoseconds; it owns no clock or thread itself.
 *
 * <p>Every ack-eliciting datagram counts: reliable, unreliable and probes alike. Ack-only datagrams are not
 * counted and are never held back. Datagrams are identified by their 16-bit sequence number; an implementation
 * that needs per-datagram state (for delivery-rate samples, say) keeps it in arrays indexed by the sequence's low
 * bits, at most {@code SentLog.CAPACITY} slots: no more than that many datagrams are ever in flight.
 */
interface CongestionController {

    /** An ack-eliciting datagram of {@code bytes} was sent; {@code bytesInFlight} includes it. */
    void onSent(int seq, int bytes, long bytesInFlight, long now);

    /** A datagram sent earlier was acknowledged. Called for each datagram an incoming ack covers. */
    void onAcked(int seq, int bytes, long now);

    /** A datagram sent earlier was declared lost. */
    void onLost(int seq, int bytes, long now);

    /**
     * Called once after all the {@link #onAcked}/{@link #onLost} calls caused by one incoming datagram, with the
     * connection's updated round-trip estimates and the bytes still in flight.
     */
    void onAckProcessed(RttEstimator rtt, long bytesInFlight, long now);

    /**
     * The sender had nothing to send although the window and pacing would have allowed it: the samples taken now
     * do not show what the path can carry.
     */
    void onAppLimited(long bytesInFlight, long now);

    /** Most bytes of ack-eliciting datagrams allowed in flight now. */
    long congestionWindow();

    /**
     * The earliest time a datagram of {@code bytes} may be sent, given pacing: {@code now} or earlier means at once.
     */
    long nextSendTime(int bytes, long now);

    /**
     * When a sender that pacing holds back should be woken to send datagrams of {@code bytes}: at or after
     * {@link #nextSendTime}, late enough for a train of them to leave together where the rate allows.
     */
    default long nextWakeTime(int bytes, long now) {
        return nextSendTime(bytes, now);
    }

    /** Current pacing rate in bytes per second (for statistics). */
    long pacingRate();

    /**
     * The connection has had nothing in flight and carried no message for a while: per-datagram storage can go back
     * to its smallest size. What the controller has learnt about the path must stay as it is.
     */
    default void onIdle() {
    }
}
