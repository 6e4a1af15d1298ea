package io.udpnet.impair;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/** Plain loopback sockets and waiting helpers for the impairment relay tests. */
final class RelayPeers {
    static final Duration WAIT = Duration.ofSeconds(5);
    static final Duration QUIET = Duration.ofMillis(300);

    private RelayPeers() {
    }

    /** A datagram and the address it came from. */
    record Received(byte[] data, InetSocketAddress from, long atNanos) {
    }

    /**
     * A socket on loopback whose receive buffer holds a test's bursts even when the reading thread waits for a core:
     * the tests count what the relay did, not what the kernel drops (a small datagram takes about 1 KiB of buffer).
     */
    static DatagramChannel socket() throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return ch;
    }

    static InetSocketAddress address(DatagramChannel ch) throws IOException {
        return (InetSocketAddress) ch.getLocalAddress();
    }

    static void send(DatagramChannel ch, byte[] data, InetSocketAddress to) throws IOException {
        ch.send(ByteBuffer.wrap(data), to);
    }

    /** The next datagram, or null after {@code timeout} without one. */
    static Received receive(DatagramChannel ch, Duration timeout) throws IOException {
        ch.socket().setSoTimeout((int) Math.max(1, timeout.toMillis()));
        DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
        try {
            ch.socket().receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        byte[] out = new byte[p.getLength()];
        System.arraycopy(p.getData(), p.getOffset(), out, 0, p.getLength());
        return new Received(out, (InetSocketAddress) p.getSocketAddress(), System.nanoTime());
    }

    static Received receiveOrFail(DatagramChannel ch) throws IOException {
        Received r = receive(ch, WAIT);
        if (r == null) {
            fail("nothing arrived within " + WAIT);
        }
        return r;
    }

    /** Counts datagrams until none arrives for {@link #QUIET}. */
    static int drain(DatagramChannel ch) throws IOException {
        int n = 0;
        while (receive(ch, QUIET) != null) {
            n++;
        }
        return n;
    }

    /**
     * Counts the datagrams a socket receives, on a background thread, so a long burst does not overflow the
     * socket's receive buffer while the test is still sending.
     */
    static final class Counter implements AutoCloseable {
        private final DatagramChannel channel;
        private final AtomicInteger count = new AtomicInteger();
        private final Thread thread;

        Counter(DatagramChannel channel) {
            this.channel = channel;
            this.thread = Thread.ofPlatform().daemon().start(() -> {
                ByteBuffer b = ByteBuffer.allocate(65_536);
                try {
                    while (true) {
                        b.clear();
                        channel.receive(b);
                        count.incrementAndGet();
                    }
                } catch (IOException closed) {
                    // The test closed the socket: done.
                }
            });
        }

        /** Waits until {@code expected} datagrams arrived, then {@link #QUIET} more, and returns the count. */
        int awaitAtLeast(long expected) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (count.get() < expected && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(QUIET.toMillis());
            return count.get();
        }

        @Override
        public void close() throws Exception {
            channel.close();
            thread.join();
        }
    }

    /** Waits until the relay's counters satisfy {@code condition}; fails with the last snapshot after {@link #WAIT}. */
    static RelayStats awaitStats(ImpairmentRelay relay, Predicate<RelayStats> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        RelayStats s = relay.stats();
        while (!condition.test(s)) {
            if (System.nanoTime() > deadline) {
                fail("relay counters never reached the expected state: " + s);
            }
            Thread.sleep(5);
            s = relay.stats();
        }
        return s;
    }

    /**
     * Sends {@code count} datagrams through the relay in small batches, waiting for the relay to have read each
     * batch, so that no socket buffer overflows and every datagram meets the impairments.
     */
    static void sendPaced(DatagramChannel client, ImpairmentRelay relay, int count, IntFunction<byte[]> payload)
            throws IOException, InterruptedException {
        long before = relay.stats().toServer().received();
        for (int i = 0; i < count; i++) {
            send(client, payload.apply(i), relay.localAddress());
            if (i % 32 == 31 || i == count - 1) {
                long expected = before + i + 1;
                awaitStats(relay, s -> s.toServer().received() >= expected);
            }
        }
    }
}
