package io.udpnet.io;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What the network said about a datagram sent to {@code peer}: an ICMP error that a socket reported, or a send that
 * the local stack refused because the datagram is larger than the path (don't-fragment set).
 *
 * @param peer the destination of the datagram the error is about
 * @param kind what went wrong
 * @param mtu  for {@link Kind#MESSAGE_TOO_BIG}, the largest IP packet the path carries as reported (0 when unknown);
 *             0 otherwise
 */
public record PathError(InetSocketAddress peer, Kind kind, int mtu) {

    /** The kinds of error a socket can report. */
    public enum Kind {
        /** Nothing listens on the peer's port (ICMP port unreachable, or a connected send refused). */
        PORT_UNREACHABLE,
        /** The peer's host or network cannot be reached (ICMP host, network or protocol unreachable). */
        HOST_UNREACHABLE,
        /** The datagram is larger than the path carries; {@link #mtu()} says how large it may be, where known. */
        MESSAGE_TOO_BIG,
        /** Any other error reported for the peer. */
        OTHER
    }

    /**
     * Checks the fields.
     *
     * @param peer the destination
     * @param kind what went wrong
     * @param mtu  0 or the path's MTU
     */
    public PathError {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(kind, "kind");
        if (mtu < 0) {
            throw new IllegalArgumentException("mtu " + mtu);
        }
    }

    /**
     * For {@link Kind#MESSAGE_TOO_BIG} with a known MTU: the largest UDP payload the path carries, the MTU less the
     * IP and UDP headers of the peer's family (28 bytes for IPv4 and IPv4-mapped peers, 48 for IPv6).
     *
     * @return bytes, or 0 when the MTU is not known
     */
    public int largestDatagram() {
        if (kind != Kind.MESSAGE_TOO_BIG || mtu == 0) {
            return 0;
        }
        boolean v6 = peer.getAddress() instanceof java.net.Inet6Address;
        return Math.max(0, mtu - (v6 ? 48 : 28));
    }

    /** Receives the errors a socket reports; called on the thread that called {@code receive} or {@code send}. */
    @FunctionalInterface
    public interface Handler {
        /**
         * One error.
         *
         * @param error what happened
         */
        void onPathError(PathError error);
    }
}
