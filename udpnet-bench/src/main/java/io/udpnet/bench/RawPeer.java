package io.udpnet.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The limit: plain JDK {@link DatagramChannel}s on 127.0.0.1 with no protocol at all. One blocking channel sends
 * datagrams of the message size (at most {@value #MAX_DATAGRAM} bytes, one MTU-sized datagram: larger messages are
 * not split, the bytes are simply sent in full datagrams); a thread blocked on the other channel counts them, or
 * echoes them during ping-pong. Nothing is retransmitted: what the kernel drops is counted as lost.
 */
final class RawPeer implements ComparedPeer {
    /** The largest payload of a datagram that fits a 1500-byte Ethernet MTU over IPv4. */
    static final int MAX_DATAGRAM = 1472;
    private static final int SOCKET_BUFFER = 4 << 20;

    private final int datagramSize;
    private final DatagramChannel sender;
    private final DatagramChannel receiver;
    private final AtomicLong received = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread receiving;
    private final Thread pongs;
    private volatile boolean echo;
    private volatile PingSchedule schedule;

    private RawPeer(PeerSettings settings) throws IOException {
        this.datagramSize = Math.min(settings.size(), MAX_DATAGRAM);
        this.receiver = DatagramChannel.open();
        this.sender = DatagramChannel.open();
        for (DatagramChannel c : List.of(receiver, sender)) {
            c.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            c.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
        }
        receiver.bind(new InetSocketAddress("127.0.0.1", 0));
        sender.bind(new InetSocketAddress("127.0.0.1", 0));
        sender.connect(receiver.getLocalAddress());
        receiving = new Thread(this::receive, "raw-bench-receiver");
        pongs = new Thread(this::takePongs, "raw-bench-pongs");
        receiving.setDaemon(true);
        pongs.setDaemon(true);
        receiving.start();
        pongs.start();
    }

    static RawPeer open(PeerSettings settings) throws IOException {
        return new RawPeer(settings);
    }

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public List<String> configuration() {
        try {
            return List.of("JDK DatagramChannel, blocking, no protocol: " + datagramSize + "-byte datagrams, sender "
                            + "connected (write), receiver unconnected (receive), direct buffers, one thread each",
                    "socket buffers " + SOCKET_BUFFER + " B asked, granted rcv "
                            + receiver.getOption(StandardSocketOptions.SO_RCVBUF) + " / snd "
                            + sender.getOption(StandardSocketOptions.SO_SNDBUF) + " B",
                    "nothing retransmitted or ordered: datagrams the kernel drops are lost");
        } catch (IOException e) {
            return List.of("JDK DatagramChannel (options unreadable: " + e + ")");
        }
    }

    @Override
    public Throughput throughput(long nanos) throws Exception {
        echo = false;
        ByteBuffer out = ByteBuffer.allocateDirect(datagramSize);
        long r0 = received.get();
        long seq = 0;
        long t0 = System.nanoTime();
        long deadline = t0 + nanos;
        do {
            for (int i = 0; i < 64; i++) {
                out.clear();
                out.putLong(0, seq++);
                sender.write(out);
            }
        } while (System.nanoTime() < deadline);
        long t1 = System.nanoTime();
        long r1 = received.get();
        Drain.untilQuiet(received, r0 + seq);
        checkFailure();
        double rate = (r1 - r0) * 1e9 / (t1 - t0);
        return new Throughput(rate, rate * datagramSize, seq, received.get() - r0);
    }

    @Override
    public PingSchedule.Result pingPong(PingSchedule s) throws Exception {
        echo = true;
        schedule = s;
        try {
            ByteBuffer ping = ByteBuffer.allocateDirect(datagramSize);
            // Lost pings or pongs never come: wait a second for stragglers, then count them lost.
            PingSchedule.Result r = s.run((number, due) -> {
                ping.clear();
                ping.putLong(0, number).putLong(8, due);
                sender.write(ping);
            }, 1_000_000_000L);
            checkFailure();
            return r;
        } finally {
            schedule = null;
        }
    }

    /** The receiving channel's thread: counts datagrams, or echoes them to where they came from. */
    private void receive() {
        ByteBuffer in = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        long n = 0;
        try {
            while (true) {
                in.clear();
                SocketAddress from = receiver.receive(in);
                if (echo) {
                    in.flip();
                    receiver.send(in, from);
                } else {
                    received.setRelease(++n);
                }
            }
        } catch (ClosedChannelException e) {
            // closed by close(): done
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** The sending channel's thread: takes pongs during ping-pong. */
    private void takePongs() {
        ByteBuffer in = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        try {
            while (true) {
                in.clear();
                sender.read(in);
                PingSchedule s = schedule;
                if (s != null && in.position() >= PingSchedule.HEADER) {
                    s.onPong(in.getLong(8));
                }
            }
        } catch (ClosedChannelException e) {
            // closed by close(): done
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private void checkFailure() {
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException("raw: " + f, f);
        }
    }

    @Override
    public void close() {
        try {
            sender.close();
            receiver.close();
        } catch (IOException e) {
            System.err.println("raw: closing: " + e);
        }
    }
}
