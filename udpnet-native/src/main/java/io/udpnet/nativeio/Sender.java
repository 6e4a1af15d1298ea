package io.udpnet.nativeio;

import io.udpnet.io.DatagramBatch;
import io.udpnet.io.PathError;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * The send side of a {@link LinuxUdpSocket}: sendmmsg over the batch's slots, where a run of datagrams to one peer
 * with one length (the last may be shorter) leaves as one message with a UDP_SEGMENT control message, so the kernel
 * cuts it into datagrams (GSO). Runs respect the kernel's 64-segment and 64 KiB limits. Where the kernel refuses a
 * GSO message (segments above the path MTU, or a device that cannot do it) the run goes again one datagram per
 * message, which also gives each datagram its own error.
 */
final class Sender {
    private final LinuxUdpSocket socket;
    private final Arena arena;
    private final BatchMemory batchMemory = new BatchMemory();
    private final MemorySegment scratchName;
    private MsgHdrs hdrs;
    private int[] firstOf = new int[0];
    private int[] runOf = new int[0];
    private boolean gso = LinuxDatagramIo.GSO;
    private long calls;

    Sender(LinuxUdpSocket socket, Arena arena) {
        this.socket = socket;
        this.arena = arena;
        this.scratchName = arena.allocate(SockAddr.MAX_BYTES, 8);
    }

    /** @return memory for one sockaddr, for bind and connect on the owner thread */
    MemorySegment scratchName() {
        return scratchName;
    }

    long calls() {
        return calls;
    }

    int send(DatagramBatch batch, PathError.Handler errors) throws IOException {
        int n = batch.count();
        MsgHdrs h = headers(batch.capacity());
        MemorySegment memory = batchMemory.of(batch);
        InetSocketAddress connected = socket.remoteAddress();
        int i = 0;
        int singlesUntil = 0;
        int refusedAt = -1;
        while (i < n) {
            int m = 0;
            int iov = 0;
            for (int j = i; j < n && m < h.capacity(); m++) {
                int run = j < singlesUntil ? 1 : runLength(batch, j, connected);
                for (int k = 0; k < run; k++) {
                    int len = Math.min(batch.length(j + k), batch.slotSize());
                    h.iov(iov + k, memory.address() + batch.offset(j + k), len);
                }
                int nameLen = 0;
                if (connected == null) {
                    nameLen = socket.addresses().write(batch.peer(j), h.names(), h.nameOffset(m));
                }
                h.message(m, iov, run, nameLen, 0);
                if (run > 1) {
                    h.controlLength(m, Cmsg.writeSegment(h.controls(), h.controlOffset(m), batch.length(j)));
                }
                firstOf[m] = j;
                runOf[m] = run;
                iov += run;
                j += run;
            }
            calls++;
            int r = Syscalls.sendmmsg(socket.errno(), socket.fd(), h.msgs, m, Linux.MSG_DONTWAIT);
            if (r > 0) {
                i = firstOf[r - 1] + runOf[r - 1];
                continue;
            }
            int e = Syscalls.errno(socket.errno());
            InetSocketAddress peer = connected != null ? connected : batch.peer(i);
            switch (e) {
                case Linux.EAGAIN -> {
                    return i;
                }
                case Linux.EINTR -> {
                }
                case Linux.EINVAL, Linux.EIO -> {
                    if (runOf[0] <= 1) {
                        throw new IOException("sendmmsg to " + peer + ": " + Linux.errorName(e));
                    }
                    // EIO: the device cannot segment at all; EINVAL: segments larger than the path allows.
                    if (e == Linux.EIO) {
                        gso = false;
                    }
                    singlesUntil = i + runOf[0];
                }
                case Linux.EMSGSIZE -> {
                    tooBig(peer, errors);
                    i += runOf[0];
                }
                case Linux.ECONNREFUSED, Linux.EHOSTUNREACH, Linux.ENETUNREACH -> {
                    // An ICMP error recorded on the socket fails the next send. On a connected socket it is about
                    // this peer; on an unconnected one about whoever the error queue names, so this datagram goes
                    // again once. A second failure is its own.
                    int reported = socket.errorQueue().drain(errors, connected);
                    if (connected != null || refusedAt == i) {
                        if (reported == 0) {
                            errors.onPathError(ErrorQueue.fromErrno(peer, e, 0));
                        }
                        i += runOf[0];
                    } else {
                        refusedAt = i;
                    }
                }
                default -> throw new IOException("sendmmsg to " + peer + ": " + Linux.errorName(e));
            }
        }
        return n;
    }

    /**
     * A datagram was refused as larger than the path. With IP_RECVERR the kernel also queued the refusal with the
     * MTU it knows (and, on an unconnected socket, port 0: it names the socket's own destination port); report that
     * entry's MTU for the real peer if present, else the connected path's MTU (or 0).
     */
    private void tooBig(InetSocketAddress peer, PathError.Handler errors) {
        boolean[] done = new boolean[1];
        socket.errorQueue().drain(err -> {
            if (!done[0] && err.kind() == PathError.Kind.MESSAGE_TOO_BIG
                    && err.peer().getAddress().equals(peer.getAddress())) {
                done[0] = true;
                int mtu = err.mtu() > 0 ? err.mtu() : socket.pathMtu();
                errors.onPathError(new PathError(peer, PathError.Kind.MESSAGE_TOO_BIG, mtu));
            } else if (err.kind() != PathError.Kind.MESSAGE_TOO_BIG) {
                errors.onPathError(err);
            }
        }, socket.remoteAddress());
        if (!done[0]) {
            errors.onPathError(new PathError(peer, PathError.Kind.MESSAGE_TOO_BIG, socket.pathMtu()));
        }
    }

    /** How many datagrams from {@code j} can leave as one GSO message. */
    private int runLength(DatagramBatch batch, int j, InetSocketAddress connected) {
        int n = batch.count();
        int size = batch.length(j);
        if (!gso || size <= 0 || size > batch.slotSize() || j + 1 >= n) {
            return 1;
        }
        InetSocketAddress peer = batch.peer(j);
        int run = 1;
        long total = size;
        while (j + run < n && run < Linux.GSO_MAX_SEGMENTS) {
            int next = batch.length(j + run);
            if (next <= 0 || next > size || total + next > Linux.GSO_MAX_BYTES
                    || (connected == null && !peer.equals(batch.peer(j + run)))) {
                break;
            }
            run++;
            total += next;
            if (next < size) {
                break;
            }
        }
        return run;
    }

    private MsgHdrs headers(int capacity) {
        if (hdrs == null || hdrs.capacity() < capacity) {
            hdrs = new MsgHdrs(arena, capacity, Cmsg.SEGMENT_SPACE);
            firstOf = new int[capacity];
            runOf = new int[capacity];
        }
        return hdrs;
    }
}
