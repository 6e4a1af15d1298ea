package io.udpnet.engine;

import io.udpnet.wire.Seq;

import java.nio.ByteBuffer;

/**
 * Receive side of an unreliable channel, sequenced or not. Whole messages are delivered straight from the datagram.
 * Fragmented ones are reassembled in a small table of {@value #PARTIALS} messages: when it is full the one with the
 * oldest sequence is abandoned, and so is any partial message {@value #MAX_AGE} sequences behind the newest seen, which makes sure
 * fragments of two messages that share a sequence number after wrap-around are never stitched together.
 *
 * <p>Sequenced: a message is delivered only if it is newer than every message delivered before it; partial
 * messages that become stale that way are abandoned at once. Datagram-level duplicate filtering guarantees that an
 * unsequenced message is not delivered twice.
 */
final class UnreliableReceiver implements ChannelReceiver {
    static final int PARTIALS = 16;
    static final int MAX_AGE = 1024;

    private final int channel;
    private final boolean sequenced;
    private final MessageHandler handler;
    private final BufferPool pool;
    private final ByteBudget budget;
    private final ConnectionStats stats;
    private final PartialMessage[] partials = new PartialMessage[PARTIALS];
    private final boolean[] active = new boolean[PARTIALS];
    private int activeCount;
    private boolean anySeen;
    private int newest;
    private boolean anyDelivered;
    private int lastDelivered;

    UnreliableReceiver(int channel, boolean sequenced, MessageHandler handler, BufferPool pool, ByteBudget budget,
                       ConnectionStats stats) {
        this.channel = channel;
        this.sequenced = sequenced;
        this.handler = handler;
        this.pool = pool;
        this.budget = budget;
        this.stats = stats;
    }

    @Override
    public int onMessage(int seq, ByteBuffer src, int at, int len) {
        noteSeen(seq);
        if (stale(seq)) {
            stats.staleMessages++;
            return ACCEPTED;
        }
        markDelivered(seq);
        handler.onMessage(channel, src, at, len);
        return ACCEPTED;
    }

    @Override
    public int onFragment(int seq, int index, int count, int messageLength, ByteBuffer src, int at, int len) {
        noteSeen(seq);
        if (stale(seq)) {
            stats.staleMessages++;
            return ACCEPTED;
        }
        int i = find(seq);
        if (i >= 0 && !partials[i].matches(messageLength, count)) {
            return MALFORMED;
        }
        if (i < 0) {
            i = startPartial(seq, messageLength, count);
            if (i < 0) {
                stats.reassemblyDrops++;
                return ACCEPTED;
            }
        }
        PartialMessage m = partials[i];
        if (!m.add(index, src, at, len)) {
            return DUPLICATE;
        }
        if (m.complete()) {
            abandonOrFinish(i, false);
            markDelivered(seq);
            ByteBuffer b = m.takeBuffer();
            try {
                handler.onMessage(channel, b, 0, m.length);
            } finally {
                pool.release(b);
            }
        }
        return ACCEPTED;
    }

    private boolean stale(int seq) {
        return sequenced && anyDelivered && !Seq.newer(seq, lastDelivered);
    }

    private void markDelivered(int seq) {
        if (!sequenced) {
            return;
        }
        anyDelivered = true;
        lastDelivered = seq;
        for (int i = 0; i < PARTIALS && activeCount > 0; i++) {
            if (active[i] && !Seq.newer(partials[i].seq, seq)) {
                abandonOrFinish(i, true);
            }
        }
    }

    private void noteSeen(int seq) {
        if (!anySeen || Seq.newer(seq, newest)) {
            newest = seq;
            anySeen = true;
        }
        for (int i = 0; i < PARTIALS && activeCount > 0; i++) {
            if (active[i] && Seq.distance(partials[i].seq, newest) > MAX_AGE) {
                abandonOrFinish(i, true);
            }
        }
    }

    private int find(int seq) {
        for (int i = 0; i < PARTIALS && activeCount > 0; i++) {
            if (active[i] && partials[i].seq == seq) {
                return i;
            }
        }
        return -1;
    }

    /** Takes a table entry for a new message, evicting the oldest sequence if needed; -1 when the budget has no room. */
    private int startPartial(int seq, int messageLength, int count) {
        int free = -1;
        int oldest = -1;
        for (int i = 0; i < PARTIALS; i++) {
            if (!active[i]) {
                free = i;
                break;
            }
            if (oldest < 0 || Seq.newer(partials[oldest].seq, partials[i].seq)) {
                oldest = i;
            }
        }
        if (free < 0) {
            abandonOrFinish(oldest, true);
            free = oldest;
        }
        if (!budget.canTake(messageLength)) {
            return -1;
        }
        budget.take(messageLength);
        PartialMessage m = partials[free];
        if (m == null) {
            m = new PartialMessage();
            partials[free] = m;
        }
        m.start(seq, messageLength, count, pool.acquire(messageLength));
        active[free] = true;
        activeCount++;
        return free;
    }

    /** Frees table entry {@code i}; when {@code abandon}, its buffer goes back to the pool and the loss is counted. */
    private void abandonOrFinish(int i, boolean abandon) {
        active[i] = false;
        activeCount--;
        budget.give(partials[i].length);
        if (abandon) {
            stats.reassemblyDrops++;
            pool.release(partials[i].takeBuffer());
        }
    }

    @Override
    public void clear() {
        for (int i = 0; i < PARTIALS; i++) {
            if (active[i]) {
                abandonOrFinish(i, true);
            }
        }
    }
}
