package io.udpnet.nativeio;

import io.udpnet.io.DatagramBatch;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.DatagramIoContract.Received;
import io.udpnet.io.PathError;
import io.udpnet.io.Poller;
import io.udpnet.io.SocketOptions;
import io.udpnet.io.UdpSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only the native implementation does: GSO, GRO, ICMP on unconnected sockets, kernel drop counts. */
class NativeFeaturesTest {
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        opened.add(c);
        return c;
    }

    private LinuxUdpSocket nativeSocket(int buffer) throws IOException {
        LinuxUdpSocket s = keep((LinuxUdpSocket) LinuxDatagramIoTest.IO.open(SocketOptions.buffers(buffer)));
        s.bind(new InetSocketAddress(V4, 0));
        return s;
    }

    static ByteBuffer payload(int seq, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        for (int i = 0; i < size; i++) {
            b.put((byte) (seq * 31 + i));
        }
        return b.flip();
    }

    /** A batch of {@code n} datagrams of {@code size} bytes to {@code to}, the last {@code lastSize} bytes. */
    private static DatagramBatch train(InetSocketAddress to, int n, int size, int lastSize) {
        DatagramBatch batch = new DatagramBatch(64, 2048);
        for (int i = 0; i < n; i++) {
            batch.add(to, payload(i, i == n - 1 ? lastSize : size));
        }
        return batch;
    }

    static List<Received> receive(DatagramIo io, UdpSocket s, int expected, List<PathError> errors)
            throws IOException {
        return receive(io, s, expected, errors, 5_000);
    }

    /** Receives until {@code expected} datagrams came or {@code millis} passed. */
    static List<Received> receive(DatagramIo io, UdpSocket s, int expected, List<PathError> errors, long millis)
            throws IOException {
        List<Received> got = new ArrayList<>();
        DatagramBatch batch = new DatagramBatch(64, 2048);
        try (Poller p = io.openPoller()) {
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
        }
        return got;
    }

    private static void assertTrain(List<Received> got, InetSocketAddress from, int n, int size, int lastSize) {
        assertEquals(n, got.size(), "datagrams received");
        for (int i = 0; i < n; i++) {
            int expected = i == n - 1 ? lastSize : size;
            assertEquals(expected, got.get(i).length(), "length of datagram " + i);
            assertEquals(payload(i, expected), ByteBuffer.wrap(got.get(i).bytes()), "bytes of datagram " + i);
            assertEquals(from, got.get(i).from());
        }
    }

    @Test
    void aTrainOfEqualDatagramsLeavesInOneCallAndArrivesAsSeparateDatagrams() throws IOException {
        LinuxUdpSocket sender = nativeSocket(1 << 20);
        UdpSocket receiver = keep(DatagramIo.nio().open(SocketOptions.buffers(1 << 20)));
        receiver.bind(new InetSocketAddress(V4, 0));
        DatagramBatch batch = train(receiver.localAddress(), 40, 1200, 500);
        long calls = sender.sendCalls();
        assertEquals(40, sender.send(batch, e -> { }));
        assertEquals(1, sender.sendCalls() - calls, "40 datagrams of 1,200 bytes to one peer: one sendmmsg");
        assertTrain(receive(DatagramIo.nio(), receiver, 40, new ArrayList<>()), sender.localAddress(), 40, 1200, 500);
    }

    @Test
    void gsoRunsRespectTheKernelLimits() throws IOException {
        LinuxUdpSocket sender = nativeSocket(4 << 20);
        LinuxUdpSocket receiver = nativeSocket(4 << 20);
        // 64 datagrams of 1,400 bytes exceed 64 KiB: they need two GSO messages, still one sendmmsg call.
        DatagramBatch batch = train(receiver.localAddress(), 64, 1400, 1400);
        long calls = sender.sendCalls();
        assertEquals(64, sender.send(batch, e -> { }));
        assertEquals(1, sender.sendCalls() - calls);
        assertTrain(receive(LinuxDatagramIoTest.IO, receiver, 64, new ArrayList<>()), sender.localAddress(), 64,
                1400, 1400);
    }

    @Test
    void groDeliversACoalescedTrainAsOneSlotPerDatagram() throws IOException {
        LinuxUdpSocket sender = nativeSocket(1 << 20);
        LinuxUdpSocket receiver = nativeSocket(1 << 20);
        assertEquals(30, sender.send(train(receiver.localAddress(), 30, 1000, 999), e -> { }));
        assertEquals(30, sender.send(train(receiver.localAddress(), 30, 700, 12), e -> { }));
        List<Received> got = receive(LinuxDatagramIoTest.IO, receiver, 60, new ArrayList<>());
        assertTrain(got.subList(0, 30), sender.localAddress(), 30, 1000, 999);
        assertTrain(got.subList(30, 60), sender.localAddress(), 30, 700, 12);
        assertTrue(receiver.coalescedReceives() > 0, "the kernel coalesced nothing: GRO not in effect");
    }

    @Test
    void coalescedDatagramsLeftOverKeepTheirBytesWhenAnotherSocketOnTheThreadReceives() throws IOException {
        LinuxUdpSocket sender = nativeSocket(1 << 20);
        LinuxUdpSocket a = nativeSocket(1 << 20);
        LinuxUdpSocket b = nativeSocket(1 << 20);
        assertEquals(40, sender.send(train(a.localAddress(), 40, 1000, 300), e -> { }));
        assertEquals(40, sender.send(train(b.localAddress(), 40, 900, 200), e -> { }));
        awaitReadable(a);
        awaitReadable(b);
        // Batches of 16 leave most of each coalesced message behind: b's receive needs the thread's spill while
        // a's rest still lies there, and a's next receives must still find its own bytes.
        DatagramBatch small = new DatagramBatch(16, 2048);
        List<Received> gotA = new ArrayList<>();
        List<Received> gotB = new ArrayList<>();
        for (int round = 0; round < 10 && (gotA.size() < 40 || gotB.size() < 40); round++) {
            take(a, small, gotA);
            take(b, small, gotB);
        }
        assertTrain(gotA, sender.localAddress(), 40, 1000, 300);
        assertTrain(gotB, sender.localAddress(), 40, 900, 200);
        assertTrue(a.coalescedReceives() > 0 && b.coalescedReceives() > 0, "the kernel coalesced nothing");
    }

    @Test
    void aSocketLeftHoldingCoalescedDatagramsIsReportedReadyAgain() throws IOException {
        LinuxUdpSocket sender = nativeSocket(1 << 20);
        LinuxUdpSocket receiver = nativeSocket(1 << 20);
        assertEquals(40, sender.send(train(receiver.localAddress(), 40, 1000, 300), e -> { }));
        Poller p = keep(LinuxDatagramIoTest.IO.openPoller());
        p.register(receiver, "r");
        // One read per readiness, as an I/O loop does: the first takes the whole coalesced message from the kernel
        // but only 16 datagrams fit, so the kernel queue is empty while 24 still wait in user memory.
        DatagramBatch small = new DatagramBatch(16, 2048);
        List<Received> got = new ArrayList<>();
        List<Object> ready = new ArrayList<>();
        for (int polls = 0; polls < 10 && got.size() < 40; polls++) {
            ready.clear();
            p.poll(TimeUnit.SECONDS.toNanos(2), ready::add);
            if (!ready.isEmpty()) {
                take(receiver, small, got);
            } else {
                break;
            }
        }
        assertTrue(receiver.coalescedReceives() > 0, "the kernel coalesced nothing");
        assertTrain(got, sender.localAddress(), 40, 1000, 300);
    }

    private void awaitReadable(UdpSocket s) throws IOException {
        try (Poller p = LinuxDatagramIoTest.IO.openPoller()) {
            p.register(s, s);
            assertEquals(1, p.poll(TimeUnit.SECONDS.toNanos(5), x -> { }), "nothing arrived");
        }
    }

    private static void take(UdpSocket s, DatagramBatch batch, List<Received> into) throws IOException {
        batch.clear();
        s.receive(batch, e -> { });
        for (int i = 0; i < batch.count(); i++) {
            ByteBuffer d = batch.datagram(i);
            byte[] bytes = new byte[d.remaining()];
            d.get(bytes);
            into.add(new Received(batch.peer(i), batch.length(i), bytes));
        }
    }

    @Test
    void portUnreachableOnAnUnconnectedSocketNamesThePeer() throws IOException {
        LinuxUdpSocket s = nativeSocket(1 << 20);
        LinuxUdpSocket alive = nativeSocket(1 << 20);
        LinuxUdpSocket gone = nativeSocket(0);
        InetSocketAddress dead = gone.localAddress();
        gone.close();
        DatagramBatch batch = new DatagramBatch(4, 64);
        batch.add(alive.localAddress(), payload(1, 20));
        batch.add(dead, payload(2, 20));
        batch.add(alive.localAddress(), payload(3, 20));
        List<PathError> errors = new ArrayList<>();
        assertEquals(3, s.send(batch, errors::add));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (errors.isEmpty() && System.nanoTime() < deadline) {
            receive(LinuxDatagramIoTest.IO, s, 1, errors, 50);
        }
        assertEquals(List.of(new PathError(dead, PathError.Kind.PORT_UNREACHABLE, 0)), errors);
        assertEquals(2, receive(LinuxDatagramIoTest.IO, alive, 2, new ArrayList<>()).size());
        // The socket stays usable, and the error was reported once.
        batch.clear();
        batch.add(alive.localAddress(), payload(4, 20));
        List<PathError> later = new ArrayList<>();
        assertEquals(1, s.send(batch, later::add));
        assertEquals(1, receive(LinuxDatagramIoTest.IO, alive, 1, later).size());
        assertEquals(List.of(), later);
    }

    @Test
    void kernelReceiveQueueDropsAreCounted() throws IOException {
        LinuxUdpSocket receiver = nativeSocket(4096);
        LinuxUdpSocket sender = nativeSocket(1 << 20);
        int sent = 0;
        for (int i = 0; i < 2000; i++) {
            // One datagram per call: a GSO train would be queued, and dropped, as one.
            sent += sender.sendTo(payload(i, 100), receiver.localAddress()) > 0 ? 1 : 0;
        }
        int received = receive(LinuxDatagramIoTest.IO, receiver, sent, new ArrayList<>(), 500).size();
        // The counter travels with each queued datagram as it stood when that one was queued: one more datagram,
        // sent after the burst was read, carries the total.
        sent += sender.sendTo(payload(0, 100), receiver.localAddress()) > 0 ? 1 : 0;
        received += receive(LinuxDatagramIoTest.IO, receiver, 1, new ArrayList<>()).size();
        assertTrue(receiver.drops() > 0, "a 4 KiB receive buffer took " + received + " of " + sent);
        assertEquals(sent, received + receiver.drops(), "received + counted drops");
    }

    @Test
    void closedSocketIsTakenOutOfItsPoller() throws IOException {
        LinuxUdpSocket s = nativeSocket(0);
        Poller p = keep(LinuxDatagramIoTest.IO.openPoller());
        p.register(s, "s");
        nativeSocket(0).sendTo(payload(1, 10), s.localAddress());
        s.close();
        List<Object> ready = new ArrayList<>();
        p.poll(TimeUnit.MILLISECONDS.toNanos(50), ready::add);
        assertFalse(ready.contains("s"));
    }
}
