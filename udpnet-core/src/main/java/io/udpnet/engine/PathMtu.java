package io.udpnet.engine;

import io.udpnet.wire.Seq;
import io.udpnet.wire.WireFormat;

/**
 * Path MTU discovery for one connection, in the spirit of RFC 8899 (datagram PLPMTUD): the connection starts at the
 * base size every path carries (1200 bytes) and, when configured with a larger maximum, binary-searches upward with
 * padded probe datagrams, one outstanding at a time, each size tried {@value #TRIES} times. An acknowledged probe
 * raises the datagram size; a size whose probes are all lost caps the search. A black hole (a path that stops
 * carrying large datagrams) shows as {@value #BLACK_HOLE_LOSSES} consecutive losses of datagrams above the base
 * size: the connection falls back to the base size at once and searches again {@value #RESEARCH_SECONDS} s later.
 *
 * <p>Packets are always sized to fit a base-size datagram, so falling back never strands one; a larger datagram
 * size lets more packets share a datagram. Lost probes say nothing about congestion and are not reported as such.
 */
final class PathMtu {
    static final int TRIES = 3;
    static final int BLACK_HOLE_LOSSES = 3;
    static final int RESEARCH_SECONDS = 60;
    /** The search stops when the bounds are this close: a few bytes more are not worth more probes. */
    private static final int PRECISION = 16;
    private static final long PROBE_INTERVAL_NANOS = 100_000_000L;

    private final int base = WireFormat.MIN_DATAGRAM_SIZE;
    private final int max;
    private int current;
    private int low;
    private int high;
    private int probeSize;
    private int probeSeq = -1;
    private int failures;
    private long nextProbeAt;
    private int largeLosses;
    /** Sequence of the newest datagram above the base size acknowledged, or -1: the path carried it. */
    private int newestLargeAcked = -1;
    private long probesSent;
    private long blackHoles;

    /**
     * The datagram size of every connection whose maximum is the base size (the default): nothing to search, and
     * nothing ever changes (no probe is sent, no datagram is larger than the base), so they all share this one.
     */
    static final PathMtu BASE_ONLY = new PathMtu(WireFormat.MIN_DATAGRAM_SIZE, false, 0);

    /** The path MTU state of a connection: {@link #BASE_ONLY} when there is nothing to discover. */
    static PathMtu of(int max, boolean enabled, long now) {
        return max <= WireFormat.MIN_DATAGRAM_SIZE ? BASE_ONLY : new PathMtu(max, enabled, now);
    }

    /** {@code enabled} false pins the size at {@code max}; so does a maximum at or below the base size. */
    PathMtu(int max, boolean enabled, long now) {
        this.max = max;
        boolean search = enabled && max > base;
        this.current = search ? base : max;
        this.low = current;
        this.high = search ? max : current;
        this.nextProbeAt = now;
    }

    /** The datagram size to use now. */
    int current() {
        return current;
    }

    /** Size of the probe to send now, or 0 when none is due. */
    int probeDue(long now) {
        if (probeSeq >= 0 || high - low < PRECISION || now < nextProbeAt) {
            return 0;
        }
        return failures == 0 ? (low + high + 1) / 2 : probeSize;
    }

    void onProbeSent(int seq, int size) {
        probeSeq = seq;
        probeSize = size;
        probesSent++;
    }

    /** When the next probe is due, or {@link Long#MAX_VALUE} while one is outstanding or the search is over. */
    long nextProbeAt() {
        return probeSeq >= 0 || high - low < PRECISION ? Long.MAX_VALUE : nextProbeAt;
    }

    void onAcked(int seq, int bytes) {
        if (seq == probeSeq) {
            probeSeq = -1;
            failures = 0;
            low = probeSize;
            current = probeSize;
        }
        if (bytes > base) {
            largeLosses = 0;
            if (newestLargeAcked < 0 || Seq.newer(seq, newestLargeAcked)) {
                newestLargeAcked = seq;
            }
        }
    }

    /** Returns true when the lost datagram was a probe: its loss says nothing about congestion. */
    boolean onLost(int seq, int bytes, long now) {
        if (seq == probeSeq) {
            probeSeq = -1;
            if (++failures >= TRIES) {
                failures = 0;
                high = probeSize - 1;
            }
            nextProbeAt = now + PROBE_INTERVAL_NANOS;
            return true;
        }
        // Only from above the base size: large datagrams still in flight after a fall-back are lost as expected.
        // A large datagram sent after this one was acknowledged: the path carries them, and this loss is the
        // queue's (a burst that overflowed it is declared lost in one go, after the acks that follow it).
        boolean carriedSince = newestLargeAcked >= 0 && Seq.newer(newestLargeAcked, seq);
        if (bytes > base && current > base && !carriedSince && ++largeLosses >= BLACK_HOLE_LOSSES) {
            blackHoles++;
            largeLosses = 0;
            probeSeq = -1;
            current = base;
            low = base;
            high = max;
            failures = 0;
            nextProbeAt = now + RESEARCH_SECONDS * 1_000_000_000L;
        }
        return false;
    }

    /**
     * The network (or the local stack, with don't-fragment set) said a datagram was too big for the path, and that
     * the path carries datagrams of at most {@code largest} bytes. The search range is capped there at once; a
     * connection already above it falls back to the base size and searches again below the cap, a probe interval
     * later, instead of waiting for three losses. A cap below the base size is ignored: the base is the protocol's
     * floor (docs/PROTOCOL.md section 2).
     */
    void tooBig(int largest, long now) {
        // Below the floor: ignored. Already at or under the cap with the search over (the shared BASE_ONLY among
        // them): nothing to change, and a shared instance must not be written to.
        if (largest < base || (current <= largest && high <= largest)) {
            return;
        }
        high = Math.min(high, largest);
        if (current > largest) {
            current = base;
            low = base;
            largeLosses = 0;
        }
        if (low > high) {
            low = high;
        }
        if (probeSize > largest) {
            probeSeq = -1;
            failures = 0;
        }
        nextProbeAt = now + PROBE_INTERVAL_NANOS;
    }

    long probesSent() {
        return probesSent;
    }

    long blackHoles() {
        return blackHoles;
    }
}
