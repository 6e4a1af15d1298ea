package io.udpnet.bench;

import io.udpnet.io.DatagramBatch;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.PathError;
import io.udpnet.io.SocketOptions;
import io.udpnet.io.UdpSocket;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The limit with batched system calls: like {@link RawPeer} (no protocol, datagrams of the message size up to
 * {@value RawPeer#MAX_DATAGRAM} bytes), but through udpnet's {@link UdpSocket}s of a given {@link DatagramIo}, which
 * move a {@link DatagramBatch} of {@value #BATCH} datagrams per call ({@code sendmmsg}/{@code recvmmsg} in the native
 * implementation). The sockets are non-blocking; their threads poll them and wait with the shared idle strategy when
 * nothing moved. During ping-pong the receiver sends each batch straight back to where it came from.
 */
final class BatchedRawPeer implements ComparedPeer {
    private static final int BATCH = 64;
    private static final int SOCKET_BUFFER = 4 << 20;
    private static final PathError.Handler IGNORE = e -> { };

    private final String name;
    private final PeerSettings settings;
    private final DatagramIo io;
    private final int datagramSize;
    private final UdpSocket sender;
    private final UdpSocket receiver;
    private final AtomicLong received = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread receiving;
    private volatile boolean running = true;
    private volatile boolean echo;

    private BatchedRawPeer(String name, PeerSettings settings, DatagramIo io) throws IOException {
        this.name = name;
        this.settings = settings;
        this.io = io;
        this.datagramSize = Math.min(settings.size(), RawPeer.MAX_DATAGRAM);
        this.receiver = io.open(SocketOptions.buffers(SOCKET_BUFFER));
        this.sender = io.open(SocketOptions.buffers(SOCKET_BUFFER));
        receiver.bind(new InetSocketAddress("127.0.0.1", 0));
        sender.bind(new InetSocketAddress("127.0.0.1", 0));
        sender.connect(receiver.localAddress(), new DatagramBatch(1, RawPeer.MAX_DATAGRAM + 1));
        receiving = new Thread(this::receive, name + "-bench-receiver");
        receiving.setDaemon(true);
        receiving.start();
    }

    /** A peer named {@code name} on {@code io}; closes what it opened if that fails. */
    static BatchedRawPeer open(String name, PeerSettings settings, DatagramIo io) throws IOException {
        return new BatchedRawPeer(name, settings, io);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> configuration() {
        return List.of("udpnet UdpSocket over the " + io.name() + " I/O, no protocol: " + datagramSize
                        + "-byte datagrams, " + BATCH + " per send and receive call, sender connected",
                "socket buffers " + SOCKET_BUFFER + " B asked, granted rcv " + receiver.receiveBufferBytes()
                        + " / snd " + sender.sendBufferBytes() + " B; non-blocking sockets polled, "
                        + settings.idle().describe() + " when nothing moved",
                "nothing retransmitted or ordered: datagrams the kernel drops are lost");
    }

    @Override
    public Throughput throughput(long nanos) throws Exception {
        echo = false;
        DatagramBatch batch = new DatagramBatch(BATCH, datagramSize);
        InetSocketAddress to = receiver.localAddress();
        IdleStrategy idle = settings.idle().create();
        long r0 = received.get();
        long seq = 0;
        long t0 = System.nanoTime();
        long deadline = t0 + nanos;
        while (System.nanoTime() < deadline) {
            while (!batch.isFull()) {
                batch.slot(batch.count()).clear().putLong(0, seq++).limit(datagramSize);
                batch.add(to, datagramSize);
            }
            int n = sender.send(batch, IGNORE);
            batch.removeFirst(n);
            idle.idle(n);
        }
        long sent = seq - batch.count();
        long t1 = System.nanoTime();
        long r1 = received.get();
        Drain.untilQuiet(received, r0 + sent);
        checkFailure();
        double rate = (r1 - r0) * 1e9 / (t1 - t0);
        return new Throughput(rate, rate * datagramSize, sent, received.get() - r0);
    }

    @Override
    public PingSchedule.Result pingPong(PingSchedule s) throws Exception {
        echo = true;
        AtomicReference<Throwable> pongFailure = new AtomicReference<>();
        Thread pongs = new Thread(() -> {
            DatagramBatch in = new DatagramBatch(BATCH, RawPeer.MAX_DATAGRAM + 1);
            IdleStrategy idle = settings.idle().create();
            try {
                while (echo) {
                    in.clear();
                    int n = sender.receive(in, IGNORE);
                    for (int i = 0; i < n; i++) {
                        ByteBuffer d = in.datagram(i);
                        if (d.remaining() >= PingSchedule.HEADER) {
                            s.onPong(d.getLong(8));
                        }
                    }
                    idle.idle(n);
                }
            } catch (IOException | RuntimeException e) {
                pongFailure.compareAndSet(null, e);
            }
        }, name + "-bench-pongs");
        pongs.start();
        try {
            ByteBuffer ping = ByteBuffer.allocateDirect(datagramSize);
            InetSocketAddress to = receiver.localAddress();
            PingSchedule.Result r = s.run((number, due) -> {
                ping.clear();
                ping.putLong(0, number).putLong(8, due);
                while (sender.sendTo(ping, to) == 0) {
                    Thread.onSpinWait();
                }
            }, 1_000_000_000L);
            checkFailure();
            if (pongFailure.get() != null) {
                throw new IllegalStateException(name + ": " + pongFailure.get(), pongFailure.get());
            }
            return r;
        } finally {
            echo = false;
            pongs.join(PeerSettings.TIMEOUT_NANOS / 1_000_000);
        }
    }

    /** The receiving socket's thread: counts datagrams, or sends each batch back to its sources. */
    private void receive() {
        DatagramBatch in = new DatagramBatch(BATCH, RawPeer.MAX_DATAGRAM + 1);
        IdleStrategy idle = settings.idle().create();
        long n = 0;
        try {
            while (running) {
                in.clear();
                int got = receiver.receive(in, IGNORE);
                if (got > 0 && echo) {
                    receiver.send(in, IGNORE);
                } else if (got > 0) {
                    n += got;
                    received.setRelease(n);
                }
                idle.idle(got);
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                failure.compareAndSet(null, e);
            }
        }
    }

    private void checkFailure() {
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException(name + ": " + f, f);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            receiving.join(PeerSettings.TIMEOUT_NANOS / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.close();
        receiver.close();
    }
}
