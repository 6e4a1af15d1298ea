package io.udpnet.nativeio;

import io.udpnet.io.DatagramBatch;
import io.udpnet.io.PathError;
import io.udpnet.io.SocketOptions;
import io.udpnet.io.UdpSocket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link UdpSocket} made with socket(2): dual-stack AF_INET6 where the system has IPv6, non-blocking, with
 * IP(V6)_RECVERR, SO_RXQ_OVFL and UDP_GRO set at open. Receiving is {@link Receiver}'s work, sending
 * {@link Sender}'s; this class owns the descriptor, its options, connect and close.
 *
 * <p>All memory the owner thread's calls need lives in one arena, closed with the socket. {@link #sendTo} runs on
 * any thread with memory of its own; a count of such calls in progress keeps {@link #close} from releasing the
 * descriptor (whose number the kernel would reuse) under them.
 */
final class LinuxUdpSocket implements UdpSocket {
    private static final System.Logger LOG = System.getLogger("io.udpnet.io");

    private final int fd;
    private final boolean v6;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno;
    private final MemorySegment optValue;
    private final MemorySegment optLen;
    private final SockAddr addresses;
    private final ErrorQueue errorQueue;
    private final Receiver receiver;
    private final Sender sender;
    private final AtomicInteger sendToCalls = new AtomicInteger();
    private volatile boolean closed;
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;
    private volatile EpollPoller poller;
    /** Set by the poller when epoll reports EPOLLERR: the error queue has something. */
    boolean errorPending;
    /** Set while the socket is on its poller's list of sockets to report ready again. Owner thread. */
    boolean readAgainQueued;

    private LinuxUdpSocket(int fd, boolean v6, boolean gro) {
        this.fd = fd;
        this.v6 = v6;
        this.errno = arena.allocate(Syscalls.ERRNO_LAYOUT);
        this.optValue = arena.allocate(ValueLayout.JAVA_INT);
        this.optLen = arena.allocate(ValueLayout.JAVA_INT);
        this.addresses = new SockAddr(v6);
        this.errorQueue = new ErrorQueue(arena, fd, errno, addresses);
        this.receiver = new Receiver(this, arena, gro);
        this.sender = new Sender(this, arena);
    }

    static LinuxUdpSocket open(SocketOptions o, boolean ipv6) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = a.allocate(Syscalls.ERRNO_LAYOUT);
            int family = ipv6 ? Linux.AF_INET6 : Linux.AF_INET;
            int fd = Syscalls.socket(e, family, Linux.SOCK_DGRAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("socket: " + Linux.errorName(Syscalls.errno(e)));
            }
            LinuxUdpSocket s = null;
            try {
                Options opts = new Options(a, e, fd);
                if (ipv6) {
                    opts.set(Linux.SOL_IPV6, Linux.IPV6_V6ONLY, 0, true);
                    opts.set(Linux.SOL_IPV6, Linux.IPV6_RECVERR, 1, true);
                }
                // Also on a dual-stack socket: IPv4 peers' ICMP errors and DF bit follow the IPv4 options.
                opts.set(Linux.SOL_IP, Linux.IP_RECVERR, 1, !ipv6);
                opts.set(Linux.SOL_SOCKET, Linux.SO_RXQ_OVFL, 1, true);
                if (o.reuseAddress()) {
                    opts.set(Linux.SOL_SOCKET, Linux.SO_REUSEADDR, 1, true);
                }
                if (o.reusePort()) {
                    opts.set(Linux.SOL_SOCKET, Linux.SO_REUSEPORT, 1, true);
                }
                if (o.receiveBufferBytes() > 0) {
                    opts.set(Linux.SOL_SOCKET, Linux.SO_RCVBUF, o.receiveBufferBytes(), true);
                }
                if (o.sendBufferBytes() > 0) {
                    opts.set(Linux.SOL_SOCKET, Linux.SO_SNDBUF, o.sendBufferBytes(), true);
                }
                if (o.dontFragment()) {
                    opts.set(Linux.SOL_IP, Linux.IP_MTU_DISCOVER, Linux.IP_PMTUDISC_DO, !ipv6);
                    if (ipv6) {
                        opts.set(Linux.SOL_IPV6, Linux.IPV6_MTU_DISCOVER, Linux.IPV6_PMTUDISC_DO, true);
                        opts.set(Linux.SOL_IPV6, Linux.IPV6_DONTFRAG, 1, true);
                    }
                }
                boolean gro = LinuxDatagramIo.GRO && opts.set(Linux.SOL_UDP, Linux.UDP_GRO, 1, false);
                s = new LinuxUdpSocket(fd, ipv6, gro);
                return s;
            } finally {
                if (s == null) {
                    Syscalls.close(e, fd);
                }
            }
        }
    }

    /** setsockopt with an int value during open. */
    private record Options(Arena arena, MemorySegment errno, int fd) {
        boolean set(int level, int name, int value, boolean required) throws IOException {
            MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_INT, value);
            if (Syscalls.setsockopt(errno, fd, level, name, v, 4) == 0) {
                return true;
            }
            String what = "setsockopt(" + level + ", " + name + "): " + Linux.errorName(Syscalls.errno(errno));
            if (required) {
                throw new IOException(what);
            }
            LOG.log(System.Logger.Level.DEBUG, what);
            return false;
        }
    }

    int fd() {
        return fd;
    }

    MemorySegment errno() {
        return errno;
    }

    SockAddr addresses() {
        return addresses;
    }

    ErrorQueue errorQueue() {
        return errorQueue;
    }

    /** @return the path MTU of a connected socket from IP(V6)_MTU, or 0 */
    int pathMtu() {
        if (remote == null) {
            return 0;
        }
        int v = intOption(v6 ? Linux.SOL_IPV6 : Linux.SOL_IP, v6 ? Linux.IPV6_MTU : Linux.IP_MTU);
        if (v <= 0 && v6) {
            v = intOption(Linux.SOL_IP, Linux.IP_MTU);
        }
        return Math.max(v, 0);
    }

    void registeredWith(EpollPoller p) {
        this.poller = p;
    }

    @Override
    public void bind(InetSocketAddress address) throws IOException {
        ensureOpen();
        MemorySegment name = sender.scratchName();
        int len = addresses.write(address, name, 0);
        if (Syscalls.bind(errno, fd, name, len) != 0) {
            throw new IOException("bind " + address + ": " + Linux.errorName(Syscalls.errno(errno)));
        }
        MemorySegment nameLen = optLen;
        nameLen.set(ValueLayout.JAVA_INT, 0, SockAddr.MAX_BYTES);
        if (Syscalls.getsockname(errno, fd, name, nameLen) != 0) {
            throw new IOException("getsockname: " + Linux.errorName(Syscalls.errno(errno)));
        }
        local = addresses.read(name, 0, nameLen.get(ValueLayout.JAVA_INT, 0));
    }

    /** connect(2) keeps what the socket holds: nothing goes to {@code strays}. */
    @Override
    public void connect(InetSocketAddress peer, DatagramBatch strays) throws IOException {
        ensureOpen();
        MemorySegment name = sender.scratchName();
        int len = addresses.write(peer, name, 0);
        if (Syscalls.connect(errno, fd, name, len) != 0) {
            throw new IOException("connect " + peer + ": " + Linux.errorName(Syscalls.errno(errno)));
        }
        remote = peer;
    }

    @Override
    public int receive(DatagramBatch batch, PathError.Handler errors) throws IOException {
        ensureOpen();
        int n = receiver.receive(batch, errors);
        EpollPoller p = poller;
        if (p != null && receiver.hasUnread()) {
            p.readAgain(this);
        }
        return n;
    }

    /** @return true when datagrams already taken from the kernel wait for the next {@link #receive} */
    boolean hasUnread() {
        return receiver.hasUnread();
    }

    @Override
    public int send(DatagramBatch batch, PathError.Handler errors) throws IOException {
        ensureOpen();
        return sender.send(batch, errors);
    }

    /** @return the number of sendmsg/sendmmsg calls so far: lets tests see that GSO saved calls */
    long sendCalls() {
        return sender.calls();
    }

    /** @return received messages that GRO had coalesced from several datagrams */
    long coalescedReceives() {
        return receiver.coalesced();
    }

    private static boolean isPeerError(int errno) {
        return errno == Linux.ECONNREFUSED || errno == Linux.EHOSTUNREACH || errno == Linux.ENETUNREACH;
    }

    @Override
    public int sendTo(ByteBuffer datagram, InetSocketAddress peer) throws IOException {
        sendToCalls.incrementAndGet();
        try {
            ensureOpen();
            InetSocketAddress to = remote;
            int n = datagram.remaining();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment e = a.allocate(Syscalls.ERRNO_LAYOUT);
                MemorySegment data = a.allocate(Math.max(n, 1));
                MemorySegment.copy(MemorySegment.ofBuffer(datagram), 0, data, 0, n);
                MemorySegment iov = a.allocate(MsgHdrs.IOVEC);
                iov.set(ValueLayout.JAVA_LONG, 0, data.address());
                iov.set(ValueLayout.JAVA_LONG, 8, n);
                MemorySegment msg = a.allocate(MsgHdrs.MSGHDR);
                msg.set(ValueLayout.JAVA_LONG, MsgHdrs.IOV, iov.address());
                msg.set(ValueLayout.JAVA_LONG, MsgHdrs.IOVLEN, 1);
                if (to == null) {
                    if (peer == null) {
                        throw new IOException("sendTo without a peer on an unconnected socket");
                    }
                    MemorySegment name = a.allocate(SockAddr.MAX_BYTES, 8);
                    // The socket's own address cache belongs to its owner thread; this one is private to the call.
                    int len = new SockAddr(v6).write(peer, name, 0);
                    msg.set(ValueLayout.JAVA_LONG, MsgHdrs.NAME, name.address());
                    msg.set(ValueLayout.JAVA_INT, MsgHdrs.NAMELEN, len);
                }
                long sent = Syscalls.sendmsg(e, fd, msg, Linux.MSG_DONTWAIT);
                if (sent < 0 && to == null && isPeerError(Syscalls.errno(e))) {
                    // On an unconnected socket this is the error an ICMP message about some earlier peer left on the
                    // socket, not about this one; the failed call cleared it, so the datagram goes again once (the
                    // owner thread reports the error, with its peer, from the error queue). As the batch sender does.
                    sent = Syscalls.sendmsg(e, fd, msg, Linux.MSG_DONTWAIT);
                }
                if (sent < 0) {
                    int err = Syscalls.errno(e);
                    if (err == Linux.EAGAIN) {
                        return 0;
                    }
                    if (err == Linux.ECONNREFUSED) {
                        throw new PortUnreachableException("port unreachable: " + (to != null ? to : peer));
                    }
                    throw new IOException("sendmsg to " + (to != null ? to : peer) + ": " + Linux.errorName(err));
                }
                datagram.position(datagram.position() + (int) sent);
                return (int) sent;
            }
        } finally {
            sendToCalls.decrementAndGet();
        }
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
        return Math.max(intOption(Linux.SOL_SOCKET, Linux.SO_RCVBUF), 0);
    }

    @Override
    public int sendBufferBytes() {
        return Math.max(intOption(Linux.SOL_SOCKET, Linux.SO_SNDBUF), 0);
    }

    private int intOption(int level, int name) {
        if (closed) {
            return -1;
        }
        optLen.set(ValueLayout.JAVA_INT, 0, 4);
        if (Syscalls.getsockopt(errno, fd, level, name, optValue, optLen) != 0) {
            return -1;
        }
        return optValue.get(ValueLayout.JAVA_INT, 0);
    }

    @Override
    public long drops() {
        return receiver.drops();
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        EpollPoller p = poller;
        if (p != null) {
            p.forget(this);
        }
        // A sendTo that saw the socket open finishes before the descriptor goes; it is a single non-blocking call.
        while (sendToCalls.get() != 0) {
            Thread.onSpinWait();
        }
        Syscalls.close(errno, fd);
        arena.close();
    }

    @Override
    public String toString() {
        return "native socket " + local + (remote == null ? "" : " -> " + remote);
    }
}
