package io.udpnet.nativeio;

import io.udpnet.io.Poller;
import io.udpnet.io.UdpSocket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Poller} on epoll, level-triggered on EPOLLIN | EPOLLERR, with an eventfd for {@link #wakeup()}. Waits in
 * nanoseconds with epoll_pwait2 where the C library has it, else in whole milliseconds rounded down. Each
 * registration's epoll data is an index into a table of sockets and attachments, so a ready event costs no lookup.
 *
 * <p>One poll reports every ready socket, as {@link Poller#poll} promises: the event array grows with the
 * registrations (one slot per socket, and one for the eventfd). With a fixed array of 64, a client's I/O thread with
 * thousands of connected sockets read 64 of them per turn of its loop; between those turns it resent the handshakes
 * of connections whose answers were already waiting unread, so that a storm of connects fed itself and timed out.
 *
 * <p>A socket whose last receive left datagrams it had already taken from the kernel (GRO messages cut into a batch
 * that was full) is reported ready again by the next poll, which then does not wait: epoll, seeing an empty kernel
 * queue, would not report it until the peer sent more.
 */
final class EpollPoller implements Poller {
    /** struct epoll_event: packed on x86_64 (12 bytes), naturally aligned elsewhere (16 bytes). */
    static final StructLayout EPOLL_EVENT = isX86()
            ? MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("events"),
                    ValueLayout.JAVA_LONG_UNALIGNED.withName("data"))
            : MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("events"), MemoryLayout.paddingLayout(4),
                    ValueLayout.JAVA_LONG.withName("data"));
    private static final long EVENTS = EPOLL_EVENT.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    private static final long DATA = EPOLL_EVENT.byteOffset(MemoryLayout.PathElement.groupElement("data"));
    /** The smallest event array: room for a server's few sockets without growing. */
    private static final int MIN_EVENTS = 64;
    private static final long WAKEUP = -1;
    private static final long MILLI = 1_000_000L;

    private final Arena arena = Arena.ofShared();
    private final int epfd;
    private final int eventfd;
    private final MemorySegment errno;
    /** Room for {@link #maxEvents} events: one per registered socket and one for the eventfd, at least 64. */
    private MemorySegment events;
    private int maxEvents = MIN_EVENTS;
    private int registered;
    private final MemorySegment ctlEvent;
    private final MemorySegment timeout;
    private final MemorySegment counter;
    private final MemorySegment one;
    private final AtomicBoolean woken = new AtomicBoolean();
    private final AtomicInteger wakeupCalls = new AtomicInteger();
    private LinuxUdpSocket[] sockets = new LinuxUdpSocket[16];
    private Object[] attachments = new Object[16];
    /** Sockets to report ready again at the next poll, and the array they are swapped with while it serves them. */
    private LinuxUdpSocket[] again = new LinuxUdpSocket[16];
    private LinuxUdpSocket[] serving = new LinuxUdpSocket[16];
    private int againCount;
    private volatile boolean closed;

    EpollPoller() throws IOException {
        errno = arena.allocate(Syscalls.ERRNO_LAYOUT);
        events = arena.allocate(EPOLL_EVENT.byteSize() * maxEvents, 8);
        ctlEvent = arena.allocate(EPOLL_EVENT.byteSize(), 8);
        timeout = arena.allocate(16, 8);
        counter = arena.allocate(ValueLayout.JAVA_LONG);
        one = arena.allocateFrom(ValueLayout.JAVA_LONG, 1L);
        epfd = Syscalls.epollCreate1(errno, Linux.EPOLL_CLOEXEC);
        if (epfd < 0) {
            arena.close();
            throw new IOException("epoll_create1: " + Linux.errorName(Syscalls.errno(errno)));
        }
        eventfd = Syscalls.eventfd(errno, 0, Linux.EFD_NONBLOCK | Linux.EFD_CLOEXEC);
        if (eventfd < 0 || ctl(Linux.EPOLL_CTL_ADD, eventfd, WAKEUP) != 0) {
            int e = Syscalls.errno(errno);
            if (eventfd >= 0) {
                Syscalls.close(errno, eventfd);
            }
            Syscalls.close(errno, epfd);
            arena.close();
            throw new IOException("eventfd: " + Linux.errorName(e));
        }
    }

    private static boolean isX86() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    private int ctl(int op, int fd, long data) {
        ctlEvent.set(ValueLayout.JAVA_INT, EVENTS, Linux.EPOLLIN | Linux.EPOLLERR);
        ctlEvent.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA, data);
        return Syscalls.epollCtl(errno, epfd, op, fd, ctlEvent);
    }

    @Override
    public void register(UdpSocket socket, Object attachment) throws IOException {
        if (!(socket instanceof LinuxUdpSocket s)) {
            throw new IllegalArgumentException("not a native socket: " + socket);
        }
        if (closed || !s.isOpen()) {
            throw new IOException("poller or socket closed");
        }
        int slot = indexOf(s);
        if (slot >= 0) {
            attachments[slot] = attachment;
            return;
        }
        slot = indexOf(null);
        if (slot < 0) {
            slot = sockets.length;
            sockets = Arrays.copyOf(sockets, slot * 2);
            attachments = Arrays.copyOf(attachments, slot * 2);
        }
        if (ctl(Linux.EPOLL_CTL_ADD, s.fd(), slot) != 0) {
            throw new IOException("epoll_ctl: " + Linux.errorName(Syscalls.errno(errno)));
        }
        sockets[slot] = s;
        attachments[slot] = attachment;
        s.registeredWith(this);
        if (++registered + 1 > maxEvents) {
            // Doubling keeps the memory given up to the arena (freed with the poller) within the final array's size.
            maxEvents *= 2;
            events = arena.allocate(EPOLL_EVENT.byteSize() * maxEvents, 8);
        }
    }

    private int indexOf(LinuxUdpSocket s) {
        for (int i = 0; i < sockets.length; i++) {
            if (sockets[i] == s) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void deregister(UdpSocket socket) {
        if (socket instanceof LinuxUdpSocket s && s.isOpen() && !closed) {
            ctl(Linux.EPOLL_CTL_DEL, s.fd(), 0);
        }
        if (socket instanceof LinuxUdpSocket s) {
            forget(s);
        }
    }

    /** Drops a socket from the table (closing its descriptor takes it out of epoll). */
    void forget(LinuxUdpSocket s) {
        int slot = indexOf(s);
        if (slot >= 0) {
            sockets[slot] = null;
            attachments[slot] = null;
            registered--;
        }
    }

    @Override
    public int poll(long timeoutNanos, ReadyHandler handler) throws IOException {
        if (closed) {
            throw new IOException("poller closed");
        }
        int n;
        if (againCount > 0) {
            timeoutNanos = 0;
        }
        if (timeoutNanos == Long.MAX_VALUE) {
            n = Syscalls.epollWait(errno, epfd, events, maxEvents, -1);
        } else if (timeoutNanos <= 0) {
            n = Syscalls.epollWait(errno, epfd, events, maxEvents, 0);
        } else if (Syscalls.hasEpollPwait2()) {
            timeout.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            timeout.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            n = Syscalls.epollPwait2(errno, epfd, events, maxEvents, timeout);
        } else {
            n = Syscalls.epollWait(errno, epfd, events, maxEvents, (int) Math.min(timeoutNanos / MILLI,
                    Integer.MAX_VALUE));
        }
        if (n < 0) {
            int e = Syscalls.errno(errno);
            if (e == Linux.EINTR) {
                return 0;
            }
            throw new IOException("epoll_wait: " + Linux.errorName(e));
        }
        int handled = 0;
        for (int i = 0; i < n; i++) {
            long at = EPOLL_EVENT.byteSize() * i;
            long data = events.get(ValueLayout.JAVA_LONG_UNALIGNED, at + DATA);
            if (data == WAKEUP) {
                Syscalls.read(errno, eventfd, counter, 8);
                woken.set(false);
                continue;
            }
            int slot = (int) data;
            LinuxUdpSocket s = slot < sockets.length ? sockets[slot] : null;
            if (s == null) {
                continue;
            }
            if ((events.get(ValueLayout.JAVA_INT, at + EVENTS) & Linux.EPOLLERR) != 0) {
                s.errorPending = true;
            }
            handled++;
            handler.ready(attachments[slot]);
        }
        return handled + serveAgain(handler);
    }

    /** Owner thread: {@code s} holds datagrams the kernel no longer shows. */
    void readAgain(LinuxUdpSocket s) {
        if (s.readAgainQueued) {
            return;
        }
        if (againCount == again.length) {
            again = Arrays.copyOf(again, againCount * 2);
            serving = new LinuxUdpSocket[again.length];
        }
        s.readAgainQueued = true;
        again[againCount++] = s;
    }

    /** Reports the sockets queued by {@link #readAgain}; those their reads leave unfinished go on the next list. */
    private int serveAgain(ReadyHandler handler) {
        int n = againCount;
        if (n == 0) {
            return 0;
        }
        LinuxUdpSocket[] list = again;
        again = serving;
        serving = list;
        againCount = 0;
        int handled = 0;
        for (int i = 0; i < n; i++) {
            LinuxUdpSocket s = list[i];
            list[i] = null;
            s.readAgainQueued = false;
            int slot = s.isOpen() && s.hasUnread() ? indexOf(s) : -1;
            if (slot >= 0) {
                handled++;
                handler.ready(attachments[slot]);
            }
        }
        return handled;
    }

    @Override
    public void wakeup() {
        // One eventfd write per poll is enough; later calls before the poll sees it add nothing.
        if (!woken.compareAndSet(false, true)) {
            return;
        }
        wakeupCalls.incrementAndGet();
        try {
            if (!closed) {
                // The errno of this call is not read, so sharing the poller's segment across threads is harmless.
                Syscalls.write(errno, eventfd, one, 8);
            }
        } finally {
            wakeupCalls.decrementAndGet();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (wakeupCalls.get() != 0) {
            Thread.onSpinWait();
        }
        for (LinuxUdpSocket s : sockets) {
            if (s != null) {
                s.registeredWith(null);
            }
        }
        for (int i = 0; i < againCount; i++) {
            again[i].readAgainQueued = false;
        }
        againCount = 0;
        Syscalls.close(errno, eventfd);
        Syscalls.close(errno, epfd);
        arena.close();
    }
}
