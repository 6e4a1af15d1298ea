package io.udpnet.io;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every {@link DatagramIo} must do, on loopback only. A subclass per implementation runs it; udpnet-native's
 * tests use this class from udpnet-core's test jar.
 */
public abstract class DatagramIoContract {
    /** A datagram as received: its source, full length and bytes (cut to the slot). */
    public record Received(InetSocketAddress from, int length, byte[] bytes) {
    }

    protected static final InetAddress V4 = InetAddress.getLoopbackAddress();
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** @return the implementation under test */
    protected abstract DatagramIo io();

    /** @return true when a cut datagram's length is its full length (else: at least the slot size) */
    protected abstract boolean reportsFullLength();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    protected UdpSocket open(SocketOptions options) throws IOException {
        UdpSocket s = io().open(options);
        opened.add(s);
        return s;
    }

    protected UdpSocket bound(InetAddress address) throws IOException {
        UdpSocket s = open(SocketOptions.buffers(1 << 20));
        s.bind(new InetSocketAddress(address, 0));
        return s;
    }

    protected Poller poller() throws IOException {
        Poller p = io().openPoller();
        opened.add(p);
        return p;
    }

    /** Receives on {@code s} until {@code expected} datagrams came or {@code millis} passed. */
    protected List<Received> receive(UdpSocket s, int expected, long millis, List<PathError> errors)
            throws IOException {
        List<Received> got = new ArrayList<>();
        DatagramBatch batch = new DatagramBatch(64, 2048);
        try (Poller p = io().openPoller()) {
            p.register(s, s);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (got.size() < expected && System.nanoTime() < deadline) {
                p.poll(TimeUnit.MILLISECONDS.toNanos(20), a -> { });
                batch.clear();
                s.receive(batch, errors::add);
                for (int i = 0; i < batch.count(); i++) {
                    ByteBuffer d = batch.datagram(i);
                    byte[] b = new byte[d.remaining()];
                    d.get(b);
                    got.add(new Received(batch.peer(i), batch.length(i), b));
                }
            }
            p.deregister(s);
        }
        return got;
    }

    /** Sends the whole batch, retrying while the send buffer is full. */
    protected static void sendAll(UdpSocket s, DatagramBatch batch, List<PathError> errors) throws IOException {
        while (!batch.isEmpty()) {
            int n = s.send(batch, errors::add);
            batch.removeFirst(n);
            if (n == 0) {
                Thread.onSpinWait();
            }
        }
    }

    protected static ByteBuffer payload(int tag, int seq, int size) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, 8));
        b.putInt(tag).putInt(seq);
        for (int i = 8; i < size; i++) {
            b.put((byte) (seq + i));
        }
        return b.flip().limit(size);
    }

    protected static int seq(Received r) {
        return ByteBuffer.wrap(r.bytes()).getInt(4);
    }

    protected static int tag(Received r) {
        return ByteBuffer.wrap(r.bytes()).getInt(0);
    }

    @Test
    void bindsToAFreePort() throws IOException {
        UdpSocket s = bound(V4);
        assertNotEquals(0, s.localAddress().getPort());
        assertEquals(V4, s.localAddress().getAddress());
        assertTrue(s.receiveBufferBytes() > 0 && s.sendBufferBytes() > 0);
        assertEquals(null, s.remoteAddress());
    }

    @Test
    void roundTripOfManyBatchesOnIpv4() throws IOException {
        roundTrip(V4);
    }

    @Test
    void roundTripOfManyBatchesOnIpv6() throws IOException {
        InetAddress v6 = InetAddress.getByName("::1");
        UdpSocket probe = open(SocketOptions.buffers(0));
        try {
            probe.bind(new InetSocketAddress(v6, 0));
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback here (" + e.getMessage() + "); IPv6 round trip not tested");
        }
        roundTrip(v6);
    }

    private void roundTrip(InetAddress address) throws IOException {
        UdpSocket a = bound(address);
        UdpSocket b = bound(address);
        List<PathError> errors = new ArrayList<>();
        DatagramBatch out = new DatagramBatch(64, 1500);
        int rounds = 8;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 64; i++) {
                int seq = r * 64 + i;
                out.add(b.localAddress(), payload(7, seq, 8 + seq % 1200));
            }
            sendAll(a, out, errors);
        }
        List<Received> got = receive(b, rounds * 64, 5_000, errors);
        assertEquals(rounds * 64, got.size(), "datagrams received");
        for (int i = 0; i < got.size(); i++) {
            Received d = got.get(i);
            assertEquals(i, seq(d), "order on loopback");
            assertEquals(8 + i % 1200, d.length());
            assertEquals(payload(7, i, 8 + i % 1200), ByteBuffer.wrap(d.bytes()));
            assertEquals(a.localAddress(), d.from());
        }
        assertTrue(errors.isEmpty(), errors::toString);
    }

    @Test
    void oversizeDatagramIsCutToTheSlotAndKnownAsOversize() throws IOException {
        UdpSocket a = bound(V4);
        UdpSocket b = bound(V4);
        a.sendTo(payload(1, 1, 300), b.localAddress());
        DatagramBatch small = new DatagramBatch(4, 100);
        try (Poller p = io().openPoller()) {
            p.register(b, b);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (small.isEmpty() && System.nanoTime() < deadline) {
                p.poll(TimeUnit.MILLISECONDS.toNanos(20), x -> { });
                b.receive(small, e -> { });
            }
        }
        assertEquals(1, small.count());
        assertEquals(100, small.datagram(0).remaining(), "cut to the slot");
        if (reportsFullLength()) {
            assertEquals(300, small.length(0));
        } else {
            assertTrue(small.length(0) >= 100, "length " + small.length(0));
        }
    }

    @Test
    void connectLosesNothingThatWasQueued() throws IOException {
        UdpSocket s = bound(V4);
        UdpSocket peerA = bound(V4);
        UdpSocket peerB = bound(V4);
        for (int i = 0; i < 5; i++) {
            peerA.sendTo(payload(1, i, 40), s.localAddress());
            peerB.sendTo(payload(2, i, 40), s.localAddress());
        }
        DatagramBatch strays = new DatagramBatch(64, 2048);
        s.connect(peerA.localAddress(), strays);
        assertEquals(peerA.localAddress(), s.remoteAddress());
        for (int i = 5; i < 10; i++) {
            peerA.sendTo(payload(1, i, 40), s.localAddress());
        }
        if (io().connectKeepsQueued()) {
            assertEquals(0, strays.count(), "a connect that keeps the queue hands nothing over");
        }
        List<Received> all = new ArrayList<>();
        for (int i = 0; i < strays.count(); i++) {
            ByteBuffer d = strays.datagram(i);
            byte[] bytes = new byte[d.remaining()];
            d.get(bytes);
            all.add(new Received(strays.peer(i), strays.length(i), bytes));
        }
        all.addAll(receive(s, 15 - all.size(), 5_000, new ArrayList<>()));
        Map<Integer, Set<Integer>> byTag = new HashMap<>();
        for (Received r : all) {
            assertEquals(tag(r) == 1 ? peerA.localAddress() : peerB.localAddress(), r.from(), "real source");
            byTag.computeIfAbsent(tag(r), t -> new HashSet<>()).add(seq(r));
        }
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), byTag.get(1));
        assertEquals(Set.of(0, 1, 2, 3, 4), byTag.get(2));
        assertEquals(0, s.drops());
    }

    @Test
    void portUnreachableIsReportedOnAConnectedSocket() throws IOException {
        UdpSocket gone = bound(V4);
        InetSocketAddress target = gone.localAddress();
        gone.close();
        UdpSocket s = bound(V4);
        s.connect(target, new DatagramBatch(1, 64));
        List<PathError> errors = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        DatagramBatch out = new DatagramBatch(1, 64);
        while (errors.isEmpty() && System.nanoTime() < deadline) {
            out.clear();
            out.add(target, payload(1, 1, 16));
            s.send(out, errors::add);
            receive(s, 1, 50, errors);
        }
        assertFalse(errors.isEmpty(), "no error reported");
        assertEquals(new PathError(target, PathError.Kind.PORT_UNREACHABLE, 0), errors.get(0));
    }

    @Test
    void reusePortSocketsShareOnePort() throws IOException {
        assumeTrue(io().supportsReusePort(), "SO_REUSEPORT not supported here");
        SocketOptions reuse = SocketOptions.buffers(1 << 20).reuse(true, true);
        UdpSocket first = open(reuse);
        first.bind(new InetSocketAddress(V4, 0));
        UdpSocket second = open(reuse);
        second.bind(first.localAddress());
        assertEquals(first.localAddress(), second.localAddress());
        UdpSocket outsider = open(SocketOptions.buffers(0));
        assertThrows(IOException.class, () -> outsider.bind(first.localAddress()));
        int clients = 40;
        for (int c = 0; c < clients; c++) {
            UdpSocket client = bound(V4);
            client.sendTo(payload(c, 0, 20), first.localAddress());
        }
        List<Received> a = receive(first, clients, 300, new ArrayList<>());
        List<Received> b = receive(second, clients - a.size(), 2_000, new ArrayList<>());
        assertEquals(clients, a.size() + b.size(), "every client's datagram reached one of the group");
        assertFalse(a.isEmpty() || b.isEmpty(), "40 clients spread over both sockets: " + a.size() + "/" + b.size());
    }

    @Test
    @Timeout(10)
    void wakeupUnblocksAPollWithoutLimit() throws Exception {
        Poller p = poller();
        p.register(bound(V4), "idle");
        CountDownLatch polling = new CountDownLatch(1);
        CompletableFuture<Integer> result = CompletableFuture.supplyAsync(() -> {
            polling.countDown();
            try {
                return p.poll(Long.MAX_VALUE, a -> { });
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        polling.await();
        Thread.sleep(100);
        assertFalse(result.isDone(), "poll returned with nothing ready");
        p.wakeup();
        assertEquals(0, result.get(5, TimeUnit.SECONDS));
    }

    @Test
    void pollTimeoutWaitsWithoutSpinning() throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isCurrentThreadCpuTimeSupported(), "no thread CPU time here");
        Poller p = poller();
        p.register(bound(V4), "idle");
        p.poll(0, a -> { });
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        int ready = 0;
        for (int i = 0; i < 4; i++) {
            ready += p.poll(TimeUnit.MILLISECONDS.toNanos(50), a -> { });
        }
        long wall = System.nanoTime() - t0;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        assertEquals(0, ready);
        assertTrue(wall >= TimeUnit.MILLISECONDS.toNanos(150), "waited " + wall + " ns for 4 x 50 ms");
        assertTrue(cpu < wall / 4, "spun: " + cpu + " ns CPU in " + wall + " ns");
    }

    @Test
    void readyPollReportsTheAttachment() throws IOException {
        UdpSocket s = bound(V4);
        Poller p = poller();
        p.register(s, "mine");
        bound(V4).sendTo(payload(1, 1, 10), s.localAddress());
        List<Object> ready = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ready.isEmpty() && System.nanoTime() < deadline) {
            p.poll(TimeUnit.MILLISECONDS.toNanos(50), ready::add);
        }
        assertEquals(List.of("mine"), ready);
        p.deregister(s);
        assertEquals(0, p.poll(0, ready::add), "deregistered");
    }

    /**
     * One poll reports every ready socket, however many there are (here more than the 64 the native poller once took
     * per poll). A client's I/O thread has a socket per connection: reading only part of the ready ones per turn of
     * its loop, with every turn's sends and timers between, left answers to thousands of simultaneous connects unread
     * while their handshakes were sent again, until the connects timed out.
     */
    @Test
    @Timeout(30)
    void onePollReportsEveryReadySocket() throws IOException {
        int count = 300;
        Poller p = poller();
        UdpSocket sender = bound(V4);
        for (int i = 0; i < count; i++) {
            UdpSocket s = open(SocketOptions.buffers(0));
            s.bind(new InetSocketAddress(V4, 0));
            p.register(s, i);
            while (sender.sendTo(payload(1, i, 16), s.localAddress()) == 0) {
                Thread.onSpinWait();
            }
        }
        // Nothing is read, so a ready socket stays ready; wait until the kernel has delivered to all of them.
        Set<Object> reported = new HashSet<>();
        int handled = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (reported.size() < count && System.nanoTime() < deadline) {
            reported.clear();
            handled = p.poll(TimeUnit.MILLISECONDS.toNanos(20), reported::add);
        }
        assertEquals(count, reported.size(), "sockets one poll reported");
        assertEquals(count, handled, "the poll's count");
    }

    @Test
    void closeIsIdempotent() throws IOException {
        UdpSocket s = bound(V4);
        Poller p = poller();
        p.register(s, s);
        s.close();
        s.close();
        assertFalse(s.isOpen());
        assertThrows(IOException.class, () -> s.receive(new DatagramBatch(1, 10), e -> { }));
        assertThrows(IOException.class, () -> s.sendTo(payload(1, 1, 10), new InetSocketAddress(V4, 9)));
        assertEquals(0, p.poll(0, a -> { }));
        p.close();
        p.close();
        p.wakeup();
    }

    @Test
    void sendToFromManyThreadsLosesNothing() throws Exception {
        UdpSocket sender = bound(V4);
        UdpSocket receiver = open(SocketOptions.buffers(4 << 20));
        receiver.bind(new InetSocketAddress(V4, 0));
        int threads = 8;
        int each = 200;
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int tag = t;
            running.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        ByteBuffer b = ByteBuffer.allocateDirect(64).put(payload(tag, i, 64)).flip();
                        while (sender.sendTo(b, receiver.localAddress()) == 0) {
                            Thread.onSpinWait();
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<Received> got = receive(receiver, threads * each, 10_000, new ArrayList<>());
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        Set<Long> distinct = new HashSet<>();
        for (Received r : got) {
            distinct.add(((long) tag(r) << 32) | seq(r));
        }
        assertEquals(threads * each, distinct.size());
    }
}
