package io.udpnet.cli;

import io.udpnet.Delivery;
import io.udpnet.messaging.Message;
import io.udpnet.messaging.MessageConnection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client of the demo: sends numbered messages on every channel at a steady rate, reads the server's echoes and
 * checks each channel's guarantee on them (every message byte-exact; reliable ones exactly once, ordered ones in
 * order; sequenced ones never older than one already seen; unreliable ones at most once).
 */
final class DemoPeer {
    /** Message sizes, used in turn: mostly small ones, some that need several fragments. */
    private static final int[] SIZES = {24, 64, 120, 400, 1000, 24, 64, 2500, 24, 8000};
    private static final int HEADER = 12;

    private final int id;
    private final MessageConnection connection;
    private final Delivery[] channels;
    private final long[] sent;
    private final long[] notSent;
    private final AtomicLong[] echoed;
    private final long[] lastSeq;
    private final BitSet[] seen;
    private final AtomicLong received = new AtomicLong();
    private final AtomicReference<String> violation = new AtomicReference<>();

    DemoPeer(int id, MessageConnection connection) {
        this.id = id;
        this.connection = connection;
        this.channels = connection.config().channels().toArray(new Delivery[0]);
        int n = channels.length;
        this.sent = new long[n];
        this.notSent = new long[n];
        this.echoed = new AtomicLong[n];
        this.lastSeq = new long[n];
        this.seen = new BitSet[n];
        for (int ch = 0; ch < n; ch++) {
            echoed[ch] = new AtomicLong();
            lastSeq[ch] = -1;
            seen[ch] = new BitSet();
        }
    }

    MessageConnection connection() {
        return connection;
    }

    /** Sends one more message on every channel: blocking on reliable channels, skipped when an unreliable one is full. */
    void sendRound() throws IOException {
        for (int ch = 0; ch < channels.length; ch++) {
            long seq = sent[ch];
            ByteBuffer m = message(ch, seq);
            if (channels[ch].isReliable()) {
                connection.send(ch, m);
            } else if (!connection.trySend(ch, m)) {
                notSent[ch]++;
            }
            sent[ch]++;
        }
    }

    /** Reads echoes until the connection closes. */
    void receiveLoop() {
        try {
            while (true) {
                check(connection.receive());
            }
        } catch (IOException closed) {
            // the demo is over
        }
    }

    private ByteBuffer message(int ch, long seq) {
        int size = SIZES[(int) (seq % SIZES.length)];
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(id).putLong(seq);
        for (int i = HEADER; i < size; i++) {
            b.put(i, pattern(ch, seq, i));
        }
        return b.clear();
    }

    private byte pattern(int ch, long seq, int i) {
        return (byte) (id * 31 + ch * 7 + seq * 13 + i);
    }

    private void check(Message m) {
        received.incrementAndGet();
        int ch = m.channel();
        ByteBuffer b = ByteBuffer.wrap(m.data());
        if (b.remaining() < HEADER || b.getInt(0) != id) {
            fail("a message for another client arrived on channel " + ch);
            return;
        }
        long seq = b.getLong(4);
        if (seq < 0 || seq > Integer.MAX_VALUE || b.remaining() != SIZES[(int) (seq % SIZES.length)]) {
            fail("channel " + ch + ": message " + seq + " has the wrong size");
            return;
        }
        for (int i = HEADER; i < b.remaining(); i++) {
            if (b.get(i) != pattern(ch, seq, i)) {
                fail("channel " + ch + ": message " + seq + " is corrupted at byte " + i);
                return;
            }
        }
        synchronized (this) {
            switch (channels[ch]) {
                case RELIABLE_ORDERED -> {
                    if (seq != lastSeq[ch] + 1) {
                        fail("channel " + ch + " (reliable-ordered): " + seq + " after " + lastSeq[ch]);
                    }
                    lastSeq[ch] = seq;
                }
                case UNRELIABLE_SEQUENCED -> {
                    if (seq <= lastSeq[ch]) {
                        fail("channel " + ch + " (sequenced): " + seq + " after " + lastSeq[ch]);
                    }
                    lastSeq[ch] = seq;
                }
                default -> {
                    if (seen[ch].get((int) seq)) {
                        fail("channel " + ch + " (" + channels[ch] + "): " + seq + " twice");
                    }
                    seen[ch].set((int) seq);
                }
            }
        }
        echoed[ch].incrementAndGet();
    }

    private void fail(String what) {
        violation.compareAndSet(null, "client " + id + ": " + what);
    }

    /** Whether every message sent on the reliable channels came back. */
    boolean reliableComplete() {
        for (int ch = 0; ch < channels.length; ch++) {
            if (channels[ch].isReliable() && echoed[ch].get() < sent[ch]) {
                return false;
            }
        }
        return true;
    }

    long received() {
        return received.get();
    }

    long sent(int ch) {
        return sent[ch];
    }

    long notSent(int ch) {
        return notSent[ch];
    }

    long echoed(int ch) {
        return echoed[ch].get();
    }

    /** The first broken guarantee, or null. */
    String violation() {
        return violation.get();
    }
}
