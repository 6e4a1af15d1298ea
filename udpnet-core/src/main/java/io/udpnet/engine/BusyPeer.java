package io.udpnet.engine;

import io.udpnet.wire.Seq;

/**
 * What the peer's BUSY packets tell the sending side (PROTOCOL.md section 7): which of our datagrams it refused for
 * lack of room, so that their loss does not count as loss on the path, and whether it is still refusing, so that
 * acks of mere pings do not bring the probes back to full speed. It is taken to be refusing until it acknowledges
 * one of our reliable messages, or until no BUSY has come for a whole {@code quiet} period (a peer that only gets
 * unreliable messages from us never acknowledges a reliable one).
 */
final class BusyPeer {
    private int refusedUpTo;
    private boolean marked;
    private boolean busy;
    private long lastBusyAt;

    /**
     * A BUSY naming our datagram {@code seq} (-1: none) arrived at {@code now}; {@code nextSeq} is the next we would
     * send.
     */
    void onBusy(int seq, int nextSeq, long now) {
        if (seq >= 0 && Seq.newer(nextSeq, seq)) {
            busy = true;
            lastBusyAt = now;
            if (!marked || Seq.newer(seq, refusedUpTo)) {
                refusedUpTo = seq;
                marked = true;
            }
        }
    }

    /** Whether our datagram {@code seq}, declared lost, was refused: it is no newer than the last one a BUSY named. */
    boolean refused(int seq) {
        return marked && !Seq.newer(seq, refusedUpTo);
    }

    /** Whether the peer refused our messages, has not acknowledged one since, and said BUSY within {@code quiet}. */
    boolean busy(long now, long quiet) {
        if (busy && now - lastBusyAt > quiet) {
            busy = false;
        }
        return busy;
    }

    /** The peer acknowledged one of our messages: it takes them again. */
    void onMessageAcked() {
        busy = false;
    }

    /**
     * We are sending datagram {@code seq}. Losses are declared among the last few hundred datagrams sent: a mark
     * this far behind means nothing any more, and must go before the sequence comes round again.
     */
    void onSend(int seq) {
        if (marked && Seq.distance(refusedUpTo, seq) >= Seq.MODULUS / 4) {
            marked = false;
        }
    }
}
