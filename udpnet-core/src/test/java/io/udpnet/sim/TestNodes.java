package io.udpnet.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small nodes and helpers shared by the simulator tests. */
final class TestNodes {

    static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5000);
    static final InetSocketAddress B = new InetSocketAddress("127.0.0.2", 5000);
    static final InetSocketAddress C = new InetSocketAddress("127.0.0.3", 5000);
    static final InetSocketAddress D = new InetSocketAddress("127.0.0.4", 5000);

    static final long MS = 1_000_000L;

    private TestNodes() {
    }

    /**
     * A seed for tests whose assertions are statistical: the {@code udpnet.sim.seed} system property if set (to replay
     * a failure), otherwise a fresh one. Tests print it in their failure messages.
     */
    static long seed() {
        return Long.getLong("udpnet.sim.seed", System.nanoTime());
    }

    /** The datagram a {@link Sender} sends as number {@code seq}: the number, then bytes derived from it. */
    static byte[] payload(int seq, int size) {
        byte[] bytes = new byte[Math.max(size, 4)];
        ByteBuffer.wrap(bytes).putInt(seq);
        for (int i = 4; i < bytes.length; i++) {
            bytes[i] = (byte) (seq * 31 + i);
        }
        return bytes;
    }

    /** Sends {@code count} numbered datagrams to one peer, {@code burst} at a time every {@code intervalNanos}. */
    static final class Sender implements SimNode {
        final InetSocketAddress to;
        final int count;
        final int size;
        final long intervalNanos;
        final int burst;
        final long[] sentAtNanos;
        private long next;
        private int sent;

        Sender(InetSocketAddress to, int count, int size, long startNanos, long intervalNanos, int burst) {
            this.to = to;
            this.count = count;
            this.size = size;
            this.intervalNanos = intervalNanos;
            this.burst = burst;
            this.next = startNanos;
            this.sentAtNanos = new long[count];
        }

        /** All {@code count} datagrams at once, at time 0. */
        static Sender burst(InetSocketAddress to, int count, int size) {
            return new Sender(to, count, size, 0, 1, count);
        }

        /** One datagram every {@code intervalNanos}, starting at 0. */
        static Sender paced(InetSocketAddress to, int count, int size, long intervalNanos) {
            return new Sender(to, count, size, 0, intervalNanos, 1);
        }

        @Override
        public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
        }

        @Override
        public void poll(long nowNanos, DatagramOutbox outbox) {
            if (sent >= count || nowNanos < next) {
                return;
            }
            for (int i = 0; i < burst && sent < count; i++) {
                ByteBuffer buffer = ByteBuffer.wrap(payload(sent, size));
                outbox.send(to, buffer);
                sentAtNanos[sent++] = nowNanos;
            }
            next = nowNanos + intervalNanos;
        }

        @Override
        public long nextDeadline() {
            return sent < count ? next : Long.MAX_VALUE;
        }
    }

    /** One datagram as a {@link Recorder} saw it. */
    record Received(long atNanos, InetSocketAddress from, byte[] bytes) {
        int seq() {
            return ByteBuffer.wrap(bytes).getInt();
        }

        @Override
        public String toString() {
            return atNanos + " " + from + " " + Arrays.hashCode(bytes) + "/" + bytes.length;
        }
    }

    /** Keeps a copy of everything it receives and never sends. */
    static final class Recorder implements SimNode {
        final List<Received> received = new ArrayList<>();

        @Override
        public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            byte[] copy = new byte[datagram.remaining()];
            datagram.get(copy);
            received.add(new Received(nowNanos, from, copy));
        }

        @Override
        public void poll(long nowNanos, DatagramOutbox outbox) {
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }
    }

    /** Sends every datagram it receives back to its sender at the next poll. */
    static final class Echo implements SimNode {
        private final ArrayDeque<Received> pending = new ArrayDeque<>();
        int echoed;

        @Override
        public void onDatagram(InetSocketAddress from, ByteBuffer datagram, long nowNanos) {
            byte[] copy = new byte[datagram.remaining()];
            datagram.get(copy);
            pending.add(new Received(nowNanos, from, copy));
        }

        @Override
        public void poll(long nowNanos, DatagramOutbox outbox) {
            Received r;
            while ((r = pending.poll()) != null) {
                outbox.send(r.from(), ByteBuffer.wrap(r.bytes()));
                echoed++;
            }
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }
    }
}
