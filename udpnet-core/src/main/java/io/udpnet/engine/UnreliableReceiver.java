package io.udpnet.engine;

import io.udpnet.wire.Seq;

import java.nio.ByteBuffer;

/**
 * Receive side of an unreliable channel, sequenced or not. Whole messages are delivered straight from the datagram.
 * Fragmented ones are reassembled in a small table of {@value #PARTIALS} messages: when it is full the one with the
 * oldest sequence is abandoned; a message whose next fragment finds no room in the receive budget is abandoned
 * itself; and so is any partial message {@value #MAX_AGE} or more sequences behind the newest seen, which makes
 * sure fragments of two messages that share a sequence number after wrap-around are never stitched together.
 * Sequences are unwrapped to 64 bits as they arrive (each step taken the short way round the 16-bit circle), so the
 * age of a partial message is exact however far the channel has moved on.
 *
 * <p>Sequenced: a message is delivered only if it is newer than every message delivered before it; partial
 * messages that become stale that way are abandoned at once. Datagram-level duplicate filtering guarantees that an
 * unsequenced message is not delivered twice.
 */
final class UnreliableReceiver implements ChannelReceiver {
    static final int PARTIALS = 16;
    static final int MAX_AGE = 1024;
    private static final long RESUME_DELIVERED = 1L << 32;

    private final int channel;
    private final boolean sequenced;
    private final MessageListener handler;
    private final BufferPool pool;
    private final ByteBudget budget;
    private final Counters stats;
    /** The reassembly table, created with the first fragment. */
    private PartialMessage[] partials;
    private boolean[] active;
    private long[] partialSeq;
    private int activeCount;
    private boolean anySeen;
    private long newest;
    private boolean anyDelivered;
    private long lastDelivered;

    UnreliableReceiver(int channel, boolean sequenced, MessageListener handler, BufferPool pool, ByteBudget budget,
                       Counters stats) {
        this.channel = channel;
        this.sequenced = sequenced;
        this.handler = handler;
        this.pool = pool;
        this.budget = budget;
        this.stats = stats;
    }

    @Override
    public int onMessage(int seq16, ByteBuffer src, int at, int len) {
        long seq = noteSeen(seq16);
        if (stale(seq)) {
            stats.staleMessages++;
            return ACCEPTED;
        }
        markDelivered(seq);
        handler.onMessage(channel, src, at, len);
        return ACCEPTED;
    }

    @Override
    public int onFragment(int seq16, int index, int count, int messageLength, ByteBuffer src, int at, int len) {
        long seq = noteSeen(seq16);
        if (stale(seq)) {
            stats.staleMessages++;
            return ACCEPTED;
        }
        int i = find(seq);
        if (i >= 0) {
            if (!partials[i].matches(messageLength, count)) {
                return MALFORMED;
            }
            if (partials[i].has(index)) {
                return DUPLICATE;
            }
        } else {
            i = startPartial(seq, messageLength, count);
        }
        PartialMessage m = partials[i];
        int need = m.chunkBytesFor(index);
        if (!pool.room(need)) {
            abandonOrFinish(i, true);   // the partial messages already held keep their room, so they can complete
            return ACCEPTED;
        }
        m.add(index, src, at, len, pool);
        budget.take(need);   // after the acquire, which gives back what the pool kept the chunk under
        if (m.complete()) {
            abandonOrFinish(i, false);
            markDelivered(seq);
            ByteBuffer b = m.takeMessage(pool);
            try {
                handler.onMessage(channel, b, 0, m.length);
            } finally {
                pool.release(b);
            }
        }
        return ACCEPTED;
    }

    private boolean stale(long seq) {
        return sequenced && anyDelivered && seq <= lastDelivered;
    }

    private void markDelivered(long seq) {
        if (!sequenced) {
            return;
        }
        anyDelivered = true;
        lastDelivered = seq;
        for (int i = 0; i < PARTIALS && activeCount > 0; i++) {
            if (active[i] && partialSeq[i] <= seq) {
                abandonOrFinish(i, true);
            }
        }
    }

    /** Unwraps {@code seq16} against the newest sequence seen, records it, and abandons partials grown too old. */
    private long noteSeen(int seq16) {
        long seq = anySeen ? newest + Seq.distance((int) newest & Seq.MASK, seq16) : seq16;
        if (!anySeen || seq > newest) {
            newest = seq;
            anySeen = true;
        }
        for (int i = 0; i < PARTIALS && activeCount > 0; i++) {
            if (active[i] && newest - partialSeq[i] >= MAX_AGE) {
                abandonOrFinish(i, true);
            }
        }
        return seq;
    }

    private int find(long seq) {
        for (int i = 0; i < PARTIALS && activeCount > 0; i++) {
            if (active[i] && partialSeq[i] == seq) {
                return i;
            }
        }
        return -1;
    }

    /** Takes a table entry for a new message, abandoning the one with the oldest sequence when the table is full. */
    private int startPartial(long seq, int messageLength, int count) {
        if (partials == null) {
            partials = new PartialMessage[PARTIALS];
            active = new boolean[PARTIALS];
            partialSeq = new long[PARTIALS];
        }
        int free = -1;
        int oldest = -1;
        for (int i = 0; i < PARTIALS; i++) {
            if (!active[i]) {
                free = i;
                break;
            }
            if (oldest < 0 || partialSeq[i] < partialSeq[oldest]) {
                oldest = i;
            }
        }
        if (free < 0) {
            abandonOrFinish(oldest, true);
            free = oldest;
        }
        PartialMessage m = partials[free];
        if (m == null) {
            m = new PartialMessage();
            partials[free] = m;
        }
        m.start((int) seq & Seq.MASK, messageLength, count);
        partialSeq[free] = seq;
        active[free] = true;
        activeCount++;
        return free;
    }

    /** Frees table entry {@code i}; when {@code abandon}, its buffer goes back to the pool and the loss is counted. */
    private void abandonOrFinish(int i, boolean abandon) {
        active[i] = false;
        activeCount--;
        budget.give(partials[i].held());
        if (abandon) {
            stats.reassemblyDrops++;
            partials[i].release(pool);
        }
    }

    @Override
    public boolean idle() {
        return true;
    }

    /**
     * Gives up incomplete messages (after the connection went quiet, one has lost a fragment for good: abandoned and
     * counted, as if a newer one had pushed it out). A sequenced channel carries over the newest message delivered,
     * so that an older one arriving late is still refused.
     */
    @Override
    public long release() {
        clear();
        return sequenced && anyDelivered ? RESUME_DELIVERED | (lastDelivered & Seq.MASK) : 0;
    }

    @Override
    public void resume(long state) {
        if ((state & RESUME_DELIVERED) != 0) {
            anySeen = true;
            anyDelivered = true;
            newest = state & Seq.MASK;
            lastDelivered = newest;
        }
    }

    @Override
    public void clear() {
        for (int i = 0; i < PARTIALS && activeCount > 0; i++) {
            if (active[i]) {
                abandonOrFinish(i, true);
            }
        }
    }
}
