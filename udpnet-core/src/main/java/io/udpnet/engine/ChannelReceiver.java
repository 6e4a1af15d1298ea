package io.udpnet.engine;

import java.nio.ByteBuffer;

/**
 * Receive side of one channel. Packets reach it already validated (channel, lengths, fragment geometry); it decides
 * delivery, ordering and buffering. Results tell the connection whether the datagram may be acknowledged.
 */
interface ChannelReceiver {
    /** Taken (delivered, buffered or, for unreliable modes, dropped by the mode's rules). */
    int ACCEPTED = 0;
    /** Already had it, or too old: nothing to do, and the datagram may be acknowledged. */
    int DUPLICATE = 1;
    /** No room now: the datagram must not be acknowledged, so that the sender sends it again. */
    int REFUSED = 2;
    /** Contradicts what was received before (a protocol violation). */
    int MALFORMED = 3;

    int onMessage(int seq, ByteBuffer src, int at, int len);

    int onFragment(int seq, int index, int count, int messageLength, ByteBuffer src, int at, int len);

    /** Frees every buffer held. */
    void clear();

    /**
     * Whether the channel may be let go while the connection is idle: nothing waits here that the peer still counts
     * on delivering (a reliable message held or marked). An unreliable channel always may: its incomplete messages
     * are given up.
     */
    boolean idle();

    /**
     * The connection is idle ({@link #idle()} said so) and lets this receiver go: gives up what it holds and returns
     * the little a receiver made again later needs to carry on (see {@link #resume}), in the low 40 bits.
     */
    long release();

    /** Carries on from what {@link #release} returned, for a receiver made again on the same channel. */
    void resume(long state);
}
