package io.udpnet.io;

import jdk.net.ExtendedSocketOptions;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/** A {@link UdpSocket} over a non-blocking JDK {@link DatagramChannel}. */
final class NioUdpSocket implements UdpSocket {
    private static final System.Logger LOG = System.getLogger("io.udpnet.io");

    private final DatagramChannel channel;
    private static final VarHandle DROPS;

    static {
        try {
            DROPS = MethodHandles.lookup().findVarHandle(NioUdpSocket.class, "drops", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Datagrams the kernel would not take; a field rather than an AtomicLong: one object less per socket. */
    private volatile long drops;
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;
    private NioPoller poller;

    private NioUdpSocket(DatagramChannel channel) {
        this.channel = channel;
    }

    static NioUdpSocket open(SocketOptions o) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.configureBlocking(false);
            if (o.reuseAddress()) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            if (o.reusePort()) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (o.receiveBufferBytes() > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, o.receiveBufferBytes());
            }
            if (o.sendBufferBytes() > 0) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, o.sendBufferBytes());
            }
            if (o.dontFragment() && ch.supportedOptions().contains(ExtendedSocketOptions.IP_DONTFRAGMENT)) {
                ch.setOption(ExtendedSocketOptions.IP_DONTFRAGMENT, true);
            }
            return new NioUdpSocket(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    DatagramChannel channel() {
        return channel;
    }

    void registeredWith(NioPoller p) {
        this.poller = p;
    }

    @Override
    public void bind(InetSocketAddress address) throws IOException {
        channel.bind(address);
        local = (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public void connect(InetSocketAddress peer, DatagramBatch strays) throws IOException {
        // The JDK's connect() silently discards whatever the socket holds: take it out first. What arrives between
        // this drain and the kernel's connect inside connect() is still lost; only the native I/O closes that window.
        ByteBuffer scratch = null;
        while (true) {
            if (!strays.isFull()) {
                ByteBuffer slot = strays.slot(strays.count());
                InetSocketAddress from = (InetSocketAddress) channel.receive(slot);
                if (from == null) {
                    break;
                }
                strays.add(from, slot.position());
            } else {
                if (scratch == null) {
                    scratch = ByteBuffer.allocateDirect(strays.slotSize());
                }
                scratch.clear();
                if (channel.receive(scratch) == null) {
                    break;
                }
                DROPS.getAndAdd(this, 1L);
            }
        }
        channel.connect(peer);
        remote = peer;
    }

    @Override
    public int receive(DatagramBatch batch, PathError.Handler errors) throws IOException {
        int added = 0;
        while (!batch.isFull()) {
            ByteBuffer slot = batch.slot(batch.count());
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) channel.receive(slot);
            } catch (PortUnreachableException e) {
                // Reported once per ICMP error; the socket stays usable.
                errors.onPathError(new PathError(remote, PathError.Kind.PORT_UNREACHABLE, 0));
                continue;
            }
            if (from == null) {
                break;
            }
            batch.add(from, slot.position());
            added++;
        }
        return added;
    }

    @Override
    public int send(DatagramBatch batch, PathError.Handler errors) throws IOException {
        InetSocketAddress connected = remote;
        for (int i = 0; i < batch.count(); i++) {
            ByteBuffer datagram = batch.datagram(i);
            InetSocketAddress to = connected != null ? connected : batch.peer(i);
            try {
                int n = connected != null ? channel.write(datagram) : channel.send(datagram, to);
                if (n == 0) {
                    return i;
                }
            } catch (PortUnreachableException e) {
                errors.onPathError(new PathError(to, PathError.Kind.PORT_UNREACHABLE, 0));
            } catch (ClosedChannelException e) {
                throw e;
            } catch (SocketException e) {
                errors.onPathError(new PathError(to, kindOf(e), 0));
            }
        }
        return batch.count();
    }

    /** Tells the per-datagram errors of a send apart by the JDK's message, the only thing it gives. */
    private static PathError.Kind kindOf(SocketException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Message too long")) {
            return PathError.Kind.MESSAGE_TOO_BIG;
        }
        if (m.contains("unreachable")) {
            return PathError.Kind.HOST_UNREACHABLE;
        }
        LOG.log(System.Logger.Level.DEBUG, "send failed", e);
        return PathError.Kind.OTHER;
    }

    @Override
    public int sendTo(ByteBuffer datagram, InetSocketAddress peer) throws IOException {
        return remote != null ? channel.write(datagram) : channel.send(datagram, peer);
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public int receiveBufferBytes() {
        return option(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public int sendBufferBytes() {
        return option(StandardSocketOptions.SO_SNDBUF);
    }

    private int option(java.net.SocketOption<Integer> name) {
        try {
            return channel.getOption(name);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public long drops() {
        return drops;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a datagram socket loses nothing worth reporting.
        }
        NioPoller p = poller;
        if (p != null) {
            p.flushCancelled();
        }
    }

    @Override
    public String toString() {
        return "nio socket " + local + (remote == null ? "" : " -> " + remote);
    }
}
