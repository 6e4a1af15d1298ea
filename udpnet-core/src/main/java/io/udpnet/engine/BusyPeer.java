package io.udpnet.engine;

import io.udpnet.wire.Seq;

/**
 * What the peer's BUSY packets tell the sending side (PROTOCOL.md section 7): which of our datagrams it refused for
 * lack of room, so that their loss does not count as loss on the path, and whether it is still refusing, so that
 * acks of mere pings do not bring the probes back to full speed.
 */
final class BusyPeer {
    private int refusedUpTo;
    private boolean marked;
    private boolean busy;

    /** A BUSY naming our datagram {@code seq} (-1: none) arrived; {@code nextSeq} is the next we would send. */
    void onBusy(int seq, int nextSeq) {
        if (seq >= 0 && Seq.newer(nextSeq, seq) && (!marked || Seq.newer(seq, refusedUpTo))) {
            refusedUpTo = seq;
            marked = true;
            busy = true;
        }
    }

    /** Whether our datagram {@code seq}, declared lost, was refused: it is no newer than the last one a BUSY named. */
    boolean refused(int seq) {
        return marked && !Seq.newer(seq, refusedUpTo);
    }

    /** Whether the peer has refused our messages and not acknowledged one since. */
    boolean busy() {
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
