package io.udpnet.engine;

import io.udpnet.wire.Seq;

import java.nio.ByteBuffer;

/**
 * Receive side of a reliable channel, ordered or not. A window of {@code W} message sequences starts at
 * {@code base}, the oldest message not yet delivered: messages before it are duplicates, and the sender never sends
 * one at or beyond {@code base + W}. The message at {@code base} is always accepted, even over the receive budget,
 * so that a budget full of later messages can never stall the channel.
 *
 * <p>A whole message that may be delivered at once is handed over straight from the datagram, without a copy.
 */
final class ReliableReceiver implements ChannelReceiver {
    private static final byte EMPTY = 0;
    private static final byte PARTIAL = 1;
    private static final byte COMPLETE = 2;
    private static final byte DELIVERED = 3;

    private final int channel;
    private final boolean ordered;
    private final int window;
    private final MessageListener handler;
    private final BufferPool pool;
    private final ByteBudget budget;
    /**
     * Messages held or marked, at {@code seq & (state.length - 1)} for {@code seq} in {@code [base, base +
     * state.length)}. Empty until a message must wait (out of order, or in fragments), then doubled as far as the
     * furthest one needs, up to the window.
     */
    private byte[] state = NO_STATE;
    private PartialMessage[] slots = NO_SLOTS;
    private int base;
    private static final byte[] NO_STATE = new byte[0];
    private static final PartialMessage[] NO_SLOTS = new PartialMessage[0];
    private static final int MIN_SLOTS = 8;

    ReliableReceiver(int channel, boolean ordered, int window, MessageListener handler, BufferPool pool,
                     ByteBudget budget) {
        this.channel = channel;
        this.ordered = ordered;
        this.window = window;
        this.handler = handler;
        this.pool = pool;
        this.budget = budget;
    }

    @Override
    public int onMessage(int seq, ByteBuffer src, int at, int len) {
        int d = Seq.distance(base, seq);
        int outside = outsideWindow(d);
        if (outside >= 0) {
            return outside;
        }
        if (stateAt(d, seq) != EMPTY) {
            return DUPLICATE;
        }
        if (d == 0) {
            base = Seq.add(base, 1);
            handler.onMessage(channel, src, at, len);
            drain();
            return ACCEPTED;
        }
        if (!ordered) {
            int slot = reach(d, seq);   // first: it may replace the array
            state[slot] = DELIVERED;
            handler.onMessage(channel, src, at, len);
            return ACCEPTED;
        }
        if (!pool.room(len)) {
            return REFUSED;
        }
        int slot = reach(d, seq);
        slot(slot).hold(seq, src, at, len, pool.acquire(len));
        budget.take(len);   // after the acquire, which gives back what the pool kept the buffer under
        state[slot] = COMPLETE;
        return ACCEPTED;
    }

    @Override
    public int onFragment(int seq, int index, int count, int messageLength, ByteBuffer src, int at, int len) {
        int d = Seq.distance(base, seq);
        int outside = outsideWindow(d);
        if (outside >= 0) {
            return outside;
        }
        int slot = reach(d, seq);
        PartialMessage m;
        switch (state[slot]) {
            case EMPTY -> {
                m = slot(slot);
                m.start(seq, messageLength, count);
            }
            case PARTIAL -> {
                m = slots[slot];
                if (!m.matches(messageLength, count)) {
                    return MALFORMED;
                }
                if (m.has(index)) {
                    return DUPLICATE;
                }
            }
            default -> {
                return DUPLICATE;
            }
        }
        int need = m.chunkBytesFor(index);
        if (d != 0 && !pool.room(need)) {
            return REFUSED;   // a message just started holds nothing yet, and its slot stays EMPTY
        }
        m.add(index, src, at, len, pool);
        budget.take(need);   // after the acquire, which gives back what the pool kept the chunk under
        state[slot] = PARTIAL;
        if (m.complete()) {
            if (d == 0) {
                drain();
            } else if (ordered) {
                state[slot] = COMPLETE;
            } else {
                state[slot] = DELIVERED;
                deliverHeld(m);
            }
        }
        return ACCEPTED;
    }

    /**
     * For a message {@code d} sequences after {@code base}: DUPLICATE before the window (delivered already), REFUSED
     * beyond it (the sender never goes there), or -1 inside it.
     */
    private int outsideWindow(int d) {
        return d < 0 ? DUPLICATE : d >= window ? REFUSED : -1;
    }

    /** Delivers, in order, every message from {@code base} on that is ready. */
    private void drain() {
        while (state.length > 0) {
            int slot = base & (state.length - 1);
            byte s = state[slot];
            boolean completeHere = s == COMPLETE || (s == PARTIAL && slots[slot].complete());
            if (!completeHere && s != DELIVERED) {
                return;
            }
            state[slot] = EMPTY;
            base = Seq.add(base, 1);
            if (completeHere) {
                deliverHeld(slots[slot]);
            }
        }
    }

    private void deliverHeld(PartialMessage m) {
        budget.give(m.held());
        ByteBuffer b = m.takeMessage(pool);
        try {
            handler.onMessage(channel, b, 0, m.length);
        } finally {
            pool.release(b);
        }
    }

    private PartialMessage slot(int slot) {
        PartialMessage m = slots[slot];
        if (m == null) {
            m = new PartialMessage();
            slots[slot] = m;
        }
        return m;
    }

    /** The state of message {@code seq}, {@code d} after {@code base}: EMPTY when beyond the arrays. */
    private byte stateAt(int d, int seq) {
        return d < state.length ? state[seq & (state.length - 1)] : EMPTY;
    }

    /** The slot of message {@code seq}, {@code d} after {@code base} (in the window); grows the arrays to reach it. */
    private int reach(int d, int seq) {
        if (d >= state.length) {
            int size = Math.max(MIN_SLOTS, state.length);
            while (size <= d) {
                size *= 2;
            }
            byte[] st = new byte[size];
            PartialMessage[] sl = new PartialMessage[size];
            for (int k = 0; k < state.length; k++) {
                int s = Seq.add(base, k);
                int from = s & (state.length - 1);
                st[s & (size - 1)] = state[from];
                sl[s & (size - 1)] = slots[from];
            }
            state = st;
            slots = sl;
        }
        return seq & (state.length - 1);
    }

    @Override
    public boolean idle() {
        for (byte b : state) {
            if (b != EMPTY) {
                return false;
            }
        }
        return true;
    }

    /** Nothing is held when idle: all that carries over is the next sequence expected. */
    @Override
    public long release() {
        return base;
    }

    @Override
    public void resume(long state) {
        base = (int) state;
    }

    @Override
    public void clear() {
        for (int i = 0; i < state.length; i++) {
            if (state[i] == PARTIAL || state[i] == COMPLETE) {
                budget.give(slots[i].held());
                slots[i].release(pool);
            }
            state[i] = EMPTY;
        }
    }
}
