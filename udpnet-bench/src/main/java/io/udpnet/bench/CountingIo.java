package io.udpnet.bench;

import io.udpnet.io.DatagramBatch;
import io.udpnet.io.DatagramIo;
import io.udpnet.io.PathError;
import io.udpnet.io.Poller;
import io.udpnet.io.SocketOptions;
import io.udpnet.io.UdpSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link DatagramIo} that counts what its sockets and pollers do: send and receive calls and the datagrams each
 * moved, and poller waits. These counts do not depend on how busy the machine is, unlike rates: datagrams per send
 * call says how well a sender batches, waits per datagram how often a loop went to sleep.
 */
final class CountingIo implements DatagramIo {
    final LongAdder sendCalls = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder receiveCalls = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder polls = new LongAdder();
    private final DatagramIo io;

    CountingIo(DatagramIo io) {
        this.io = io;
    }

    /** @return the counts since the last call, as one line */
    String take() {
        long sc = sendCalls.sumThenReset();
        long s = sent.sumThenReset();
        long rc = receiveCalls.sumThenReset();
        long r = received.sumThenReset();
        long p = polls.sumThenReset();
        return String.format(java.util.Locale.ROOT, "sent %,d in %,d calls (%.2f per call), received %,d in %,d calls "
                        + "(%.2f per call), %,d poller waits (%.3f per datagram sent)", s, sc,
                sc == 0 ? 0.0 : (double) s / sc, r, rc, rc == 0 ? 0.0 : (double) r / rc, p,
                s == 0 ? 0.0 : (double) p / s);
    }

    @Override
    public String name() {
        return io.name();
    }

    @Override
    public UdpSocket open(SocketOptions options) throws IOException {
        return new Counted(io.open(options));
    }

    @Override
    public Poller openPoller() throws IOException {
        Poller p = io.openPoller();
        return new Poller() {
            @Override
            public void register(UdpSocket socket, Object attachment) throws IOException {
                p.register(((Counted) socket).socket, attachment);
            }

            @Override
            public void deregister(UdpSocket socket) {
                p.deregister(((Counted) socket).socket);
            }

            @Override
            public int poll(long timeoutNanos, ReadyHandler handler) throws IOException {
                if (timeoutNanos != 0) {
                    polls.increment();
                }
                return p.poll(timeoutNanos, handler);
            }

            @Override
            public void wakeup() {
                p.wakeup();
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }

    @Override
    public boolean connectKeepsQueued() {
        return io.connectKeepsQueued();
    }

    @Override
    public boolean reportsErrorsUnconnected() {
        return io.reportsErrorsUnconnected();
    }

    @Override
    public boolean countsKernelDrops() {
        return io.countsKernelDrops();
    }

    @Override
    public boolean supportsReusePort() {
        return io.supportsReusePort();
    }

    private final class Counted implements UdpSocket {
        final UdpSocket socket;

        Counted(UdpSocket socket) {
            this.socket = socket;
        }

        @Override
        public void bind(InetSocketAddress local) throws IOException {
            socket.bind(local);
        }

        @Override
        public void connect(InetSocketAddress peer, DatagramBatch strays) throws IOException {
            socket.connect(peer, strays);
        }

        @Override
        public int receive(DatagramBatch batch, PathError.Handler errors) throws IOException {
            int n = socket.receive(batch, errors);
            receiveCalls.increment();
            received.add(n);
            return n;
        }

        @Override
        public int send(DatagramBatch batch, PathError.Handler errors) throws IOException {
            int n = socket.send(batch, errors);
            sendCalls.increment();
            sent.add(n);
            return n;
        }

        @Override
        public int sendTo(ByteBuffer datagram, InetSocketAddress peer) throws IOException {
            int n = socket.sendTo(datagram, peer);
            sendCalls.increment();
            sent.increment();
            return n;
        }

        @Override
        public InetSocketAddress localAddress() {
            return socket.localAddress();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return socket.remoteAddress();
        }

        @Override
        public int receiveBufferBytes() {
            return socket.receiveBufferBytes();
        }

        @Override
        public int sendBufferBytes() {
            return socket.sendBufferBytes();
        }

        @Override
        public long drops() {
            return socket.drops();
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
