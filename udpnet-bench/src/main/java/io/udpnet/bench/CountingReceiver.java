package io.udpnet.bench;

import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageConnectionListener;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's listener in {@link MessageModesRun}, on the server's I/O threads: counts the messages of every
 * client connection and checks that each is the next one of its connection.
 *
 * <p>A message carries its sequence number in bytes 0..7 and its client connection's index in bytes 8..11. The
 * first message of an index binds it to the server-side connection it arrived on; a later message of that index on
 * another connection counts as misrouted. A connection's tally is only ever touched by the I/O thread that runs the
 * connection, and published for the measuring thread with a release store.
 */
final class CountingReceiver implements MessageConnectionListener {
    /** Bytes at the start of each message: sequence number (long) and connection index (int). */
    static final int HEADER = 12;

    private final Tally[] tallies;
    private final AtomicLong misordered = new AtomicLong();
    private final AtomicLong misrouted = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final List<MessageConnection> connections = new CopyOnWriteArrayList<>();

    /** One client connection's messages as the server saw them. */
    private static final class Tally {
        MessageConnection owner;
        long expected;
        final AtomicLong delivered = new AtomicLong();
    }

    CountingReceiver(int connections) {
        tallies = new Tally[connections];
        for (int i = 0; i < connections; i++) {
            tallies[i] = new Tally();
        }
    }

    @Override
    public void onConnected(MessageConnection connection) {
        connections.add(connection);
    }

    @Override
    public void onMessage(MessageConnection connection, int channel, ByteBuffer message) {
        int p = message.position();
        if (message.remaining() < HEADER) {
            error("a message of " + message.remaining() + " bytes");
            return;
        }
        long seq = message.getLong(p);
        int index = message.getInt(p + 8);
        if (index < 0 || index >= tallies.length) {
            error("a message for connection index " + index);
            return;
        }
        Tally t = tallies[index];
        if (t.owner == null) {
            t.owner = connection;
        } else if (t.owner != connection) {
            misrouted.incrementAndGet();
            error("connection " + index + "'s message " + seq + " arrived on another server connection");
        }
        if (seq != t.expected) {
            misordered.incrementAndGet();
            error("connection " + index + ": message " + seq + " arrived when " + t.expected + " was expected");
        }
        t.expected = seq + 1;
        t.delivered.lazySet(t.delivered.get() + 1);
    }

    private void error(String text) {
        firstError.compareAndSet(null, text);
    }

    /** Messages delivered so far, all connections. */
    long delivered() {
        long n = 0;
        for (Tally t : tallies) {
            n += t.delivered.get();
        }
        return n;
    }

    /** Messages delivered so far, per client connection index. */
    long[] deliveredPerConnection() {
        long[] r = new long[tallies.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = tallies[i].delivered.get();
        }
        return r;
    }

    /** Whether every connection has received exactly {@code sent[i]} messages. */
    boolean hasAll(long[] sent) {
        for (int i = 0; i < sent.length; i++) {
            if (tallies[i].delivered.get() != sent[i]) {
                return false;
            }
        }
        return true;
    }

    long misordered() {
        return misordered.get();
    }

    long misrouted() {
        return misrouted.get();
    }

    /** The first thing that went wrong, or null. */
    String firstError() {
        return firstError.get();
    }

    /** The server's side of every connection established so far. */
    List<MessageConnection> serverConnections() {
        return new ArrayList<>(connections);
    }

    /** Minimum, median and maximum of per-connection counts, and how many are zero. */
    static long[] spread(long[] counts) {
        long[] s = counts.clone();
        Arrays.sort(s);
        long zero = Arrays.stream(s).filter(v -> v == 0).count();
        return new long[] {s[0], s[s.length / 2], s[s.length - 1], zero};
    }
}
