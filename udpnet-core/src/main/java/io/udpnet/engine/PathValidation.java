package io.udpnet.engine;

import io.udpnet.wire.DataHeader;
import io.udpnet.wire.PacketHeader;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.random.RandomGenerator;

/**
 * The server side of an address change (PROTOCOL.md section 8.3): when a valid datagram of a connection arrives from
 * another address than the connection's, that address (the candidate) is sent a PATH_CHALLENGE, and the connection
 * moves there only when the challenge's data comes back in a PATH_RESPONSE from that same address. Proof that the
 * peer receives at the new address is what keeps a spoofer, who can send from any address but not receive there,
 * from redirecting the connection.
 *
 * <p>Bounds, so that copied or replayed datagrams cannot turn the server into a traffic source: one candidate at a
 * time; at most {@value #MAX_CHALLENGES} challenges per candidate with doubling intervals; a new candidate replaces
 * a pending one only after the first challenge's interval; and never more than {@value #AMPLIFICATION} times the
 * bytes received from a candidate are sent to it. Allocates nothing.
 */
final class PathValidation {
    /** Challenges sent to one candidate before it is given up. */
    static final int MAX_CHALLENGES = 4;
    /** Bytes sent to an unvalidated address are at most this many times the bytes received from it. */
    static final int AMPLIFICATION = 3;
    /** Size of a datagram carrying only a PATH_CHALLENGE. */
    static final int CHALLENGE_DATAGRAM = DataHeader.OVERHEAD + PacketHeader.PATH_SIZE;

    private InetSocketAddress candidate;
    private long challenge;
    private long bytesReceived;
    private long bytesSent;
    private int challengesSent;
    private long startedAt;
    private long interval;
    private long nextSendAt;

    /**
     * A datagram of {@code length} bytes with the connection's token arrived from {@code from}, which is not the
     * connection's address; {@code processed} says whether it was new and valid (not a duplicate, corrupted or
     * malformed). Starts a validation of {@code from} when none is pending for it and the limits allow; only a
     * processed datagram can start one, so replayed old datagrams trigger nothing. Returns whether one started.
     *
     * @param timeout the first challenge's wait for an answer (the connection's probe time-out)
     */
    boolean onDatagram(InetSocketAddress from, int length, boolean processed, long now, long timeout,
                       RandomGenerator random) {
        if (from.equals(candidate)) {
            bytesReceived += length;
            if (!processed || !expired(now)) {
                return false;
            }
            // The candidate was given up but speaks again with new datagrams: try it afresh below.
        } else if (!processed || candidate != null && now - startedAt < interval) {
            return false;   // at most one candidate at a time: a pending one keeps its first interval
        }
        if (!from.equals(candidate)) {
            bytesReceived = length;
            bytesSent = 0;
        }
        candidate = from;
        challenge = random.nextLong();
        challengesSent = 0;
        startedAt = now;
        interval = Math.max(1, timeout);
        nextSendAt = now;
        return true;
    }

    /**
     * The connection handled a datagram of {@code length} bytes from {@code from}, not its address, with
     * {@code processed} its verdict and {@code control} what the datagram carried: starts a validation as
     * {@link #onDatagram} does, and returns whether the datagram answered the pending challenge from the candidate,
     * so that the connection moves there.
     */
    boolean answered(InetSocketAddress from, int length, boolean processed, ControlPackets control, long now,
                     long timeout, RandomGenerator random) {
        onDatagram(from, length, processed, now, timeout, random);
        return processed && control.pathResponseSeen() && onResponse(from, control.pathResponseReceived());
    }

    /** Whether the candidate has had all its challenges and the wait for the last one is over. */
    private boolean expired(long now) {
        return challengesSent >= MAX_CHALLENGES && now >= nextSendAt;
    }

    /** Whether a challenge is due now: sent with {@link #challenge()} to {@link #candidate()}. */
    boolean due(long now) {
        return candidate != null && challengesSent < MAX_CHALLENGES && now >= nextSendAt && budgetAllows();
    }

    /** When the next challenge is due, or {@link Long#MAX_VALUE} (none pending, given up, or no budget left). */
    long deadline() {
        return candidate != null && challengesSent < MAX_CHALLENGES && budgetAllows() ? nextSendAt : Long.MAX_VALUE;
    }

    private boolean budgetAllows() {
        return bytesSent + CHALLENGE_DATAGRAM <= AMPLIFICATION * bytesReceived;
    }

    /**
     * Writes the challenge due at {@code now}, if any, into {@code out} through the connection's {@code data} path
     * and returns the candidate it must go to; returns null when none is due.
     */
    InetSocketAddress pollChallenge(DataPath data, ByteBuffer out, long now) {
        if (!due(now)) {
            return null;
        }
        onChallengeSent(data.writePathChallenge(out, challenge, now), now);
        return candidate;
    }

    /** A challenge of {@code length} bytes went to the candidate at {@code now}; the next waits twice as long. */
    void onChallengeSent(int length, long now) {
        bytesSent += length;
        challengesSent++;
        nextSendAt = now + (interval << (challengesSent - 1));
    }

    /**
     * A PATH_RESPONSE carrying {@code data} arrived from {@code from}. Returns true, ending the validation, when it
     * answers the pending challenge and comes from the candidate: the peer has shown it receives there.
     */
    boolean onResponse(InetSocketAddress from, long data) {
        if (candidate == null || data != challenge || !from.equals(candidate)) {
            return false;
        }
        candidate = null;
        return true;
    }

    /** The address being validated, or null. */
    InetSocketAddress candidate() {
        return candidate;
    }

    long challenge() {
        return challenge;
    }

    /** Bytes sent to the current candidate so far. */
    long bytesSent() {
        return bytesSent;
    }
}
