package io.udpnet.nativeio;

import io.udpnet.io.DatagramBatch;
import io.udpnet.io.PathError;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * The receive side of a {@link LinuxUdpSocket}: recvmmsg straight into the batch's slots, or, where UDP_GRO is on,
 * into the thread's {@link Spill} of whole 64 KiB messages that are then cut into one slot per datagram by the
 * gso_size the kernel reports. Datagrams of a coalesced message that do not fit the batch wait for the next call, in
 * the spill, or in memory of this socket's own once another socket on the thread needs the spill.
 * SO_RXQ_OVFL's counter, carried by every received message, gives the kernel's drops.
 */
final class Receiver {
    /** Messages per recvmmsg in GRO mode: each may carry up to 64 datagrams, and each needs 64 KiB of spill. */
    static final int GRO_MESSAGES = 8;

    private final LinuxUdpSocket socket;
    private final Arena arena;
    private final boolean gro;
    private final BatchMemory batchMemory = new BatchMemory();
    private MsgHdrs hdrs;
    /** Where the pending messages lie: the thread's spill, or {@link #own} after an eviction. */
    private MemorySegment pendingBase;
    /** This socket's memory for pending messages moved out of a spill; made on the first eviction, then kept. */
    private MemorySegment own;
    private final long[] pendingStart = new long[GRO_MESSAGES];
    private final int[] pendingLength = new int[GRO_MESSAGES];
    private final int[] pendingSegment = new int[GRO_MESSAGES];
    private final InetSocketAddress[] pendingPeer = new InetSocketAddress[GRO_MESSAGES];
    private int pendingCount;
    private int pendingMessage;
    private int pendingOffset;
    private long lastOverflow;
    private volatile long kernelDrops;
    private long coalesced;

    Receiver(LinuxUdpSocket socket, Arena arena, boolean gro) {
        this.socket = socket;
        this.arena = arena;
        this.gro = gro;
    }

    long drops() {
        return kernelDrops;
    }

    /** @return true when datagrams already read from the kernel wait for the next call (epoll cannot see them) */
    boolean hasUnread() {
        return pendingMessage < pendingCount;
    }

    /** @return messages that carried more than one datagram (GRO) */
    long coalesced() {
        return coalesced;
    }

    int receive(DatagramBatch batch, PathError.Handler errors) throws IOException {
        if (socket.errorPending) {
            socket.errorPending = false;
            socket.errorQueue().drain(errors, socket.remoteAddress());
        }
        int added = gro ? drainSpill(batch) : 0;
        while (!batch.isFull()) {
            int free = batch.capacity() - batch.count();
            int vlen = gro ? Math.min(free, GRO_MESSAGES) : free;
            MsgHdrs h = headers(batch.capacity());
            int r = gro ? receiveIntoSpill(h, vlen) : receiveIntoSlots(h, batch, vlen);
            if (r < 0) {
                int e = Syscalls.errno(socket.errno());
                if (e == Linux.EAGAIN) {
                    break;
                }
                if (e == Linux.EINTR) {
                    continue;
                }
                if (!pathError(e, errors)) {
                    throw new IOException("recvmmsg: " + Linux.errorName(e));
                }
                continue;
            }
            if (gro) {
                startSpill(h, r);
                added += drainSpill(batch);
            } else {
                added += takeFromSlots(h, batch, r);
            }
            if (r < vlen) {
                break;
            }
        }
        return added;
    }

    /**
     * A receive failed with the socket's pending error (an ICMP error recorded on it): report what the error
     * queue holds, or the error itself for a connected socket.
     *
     * @return false when the error is not about a peer
     */
    private boolean pathError(int e, PathError.Handler errors) {
        if (e != Linux.ECONNREFUSED && e != Linux.EHOSTUNREACH && e != Linux.ENETUNREACH && e != Linux.EMSGSIZE) {
            return false;
        }
        InetSocketAddress remote = socket.remoteAddress();
        if (socket.errorQueue().drain(errors, remote) == 0 && remote != null) {
            errors.onPathError(ErrorQueue.fromErrno(remote, e, socket.pathMtu()));
        }
        return true;
    }

    private MsgHdrs headers(int capacity) {
        if (hdrs == null || hdrs.capacity() < capacity) {
            hdrs = new MsgHdrs(arena, capacity, Cmsg.RECEIVE_SPACE);
        }
        return hdrs;
    }

    private int receiveIntoSlots(MsgHdrs h, DatagramBatch batch, int vlen) {
        long base = batchMemory.of(batch).address();
        int first = batch.count();
        int nameLen = socket.addresses().size();
        for (int j = 0; j < vlen; j++) {
            h.message(j, j, 1, nameLen, Cmsg.RECEIVE_SPACE);
            h.iov(j, base + batch.offset(first + j), batch.slotSize());
        }
        // MSG_TRUNC makes the kernel report a cut datagram's full length.
        return Syscalls.recvmmsg(socket.errno(), socket.fd(), h.msgs, vlen, Linux.MSG_DONTWAIT | Linux.MSG_TRUNC);
    }

    private int takeFromSlots(MsgHdrs h, DatagramBatch batch, int r) {
        int first = batch.count();
        int added = 0;
        for (int j = 0; j < r; j++) {
            countOverflow(h, j);
            InetSocketAddress from = socket.addresses().read(h.names(), h.nameOffset(j), h.nameLength(j));
            if (from == null) {
                from = socket.remoteAddress();
            }
            batch.set(first + added, from, h.receivedLength(j));
            added++;
        }
        return added;
    }

    private int receiveIntoSpill(MsgHdrs h, int vlen) {
        // Nothing of this socket is pending here (the batch has room), so the spill may be overwritten.
        MemorySegment spill = Spill.claim(this).area;
        pendingBase = spill;
        int nameLen = socket.addresses().size();
        for (int j = 0; j < vlen; j++) {
            h.message(j, j, 1, nameLen, Cmsg.RECEIVE_SPACE);
            h.iov(j, spill.address() + (long) Spill.STRIDE * j, Spill.STRIDE);
        }
        return Syscalls.recvmmsg(socket.errno(), socket.fd(), h.msgs, vlen, Linux.MSG_DONTWAIT);
    }

    /**
     * Another socket on this thread needs the spill: moves what this one has not cut yet into its own memory.
     * Owner thread. A closed socket's pending datagrams are dropped with it.
     */
    void evict() {
        if (pendingMessage >= pendingCount || pendingBase == own) {
            return;
        }
        if (!socket.isOpen()) {
            pendingCount = 0;
            pendingMessage = 0;
            pendingOffset = 0;
            return;
        }
        long bytes = 0;
        for (int m = pendingMessage; m < pendingCount; m++) {
            bytes += pendingLength[m] - (m == pendingMessage ? pendingOffset : 0);
        }
        if (own == null || own.byteSize() < bytes) {
            // Sized to what is pending, at most the whole spill; a later larger eviction takes the whole spill's size.
            own = arena.allocate(own == null ? bytes : (long) Spill.STRIDE * GRO_MESSAGES, 8);
        }
        long at = 0;
        for (int m = pendingMessage; m < pendingCount; m++) {
            int from = m == pendingMessage ? pendingOffset : 0;
            int len = pendingLength[m] - from;
            MemorySegment.copy(pendingBase, pendingStart[m] + from, own, at, len);
            // The cut points stay multiples of the segment size from the new start: from is one of them.
            pendingStart[m] = at;
            pendingLength[m] = len;
            at += len;
        }
        pendingOffset = 0;
        pendingBase = own;
    }

    private void startSpill(MsgHdrs h, int r) {
        for (int j = 0; j < r; j++) {
            countOverflow(h, j);
            InetSocketAddress from = socket.addresses().read(h.names(), h.nameOffset(j), h.nameLength(j));
            pendingPeer[j] = from != null ? from : socket.remoteAddress();
            pendingStart[j] = (long) Spill.STRIDE * j;
            int len = h.receivedLength(j);
            pendingLength[j] = len;
            long gso = Cmsg.find(h.controls(), h.controlOffset(j), h.controlLength(j), Linux.SOL_UDP, Linux.UDP_GRO);
            int size = gso < 0 ? 0 : h.controls().get(ValueLayout.JAVA_SHORT, gso) & 0xffff;
            pendingSegment[j] = size > 0 ? size : Math.max(len, 1);
            if (len > pendingSegment[j]) {
                coalesced++;
            }
        }
        pendingCount = r;
        pendingMessage = 0;
        pendingOffset = 0;
    }

    /** Cuts spilled messages into the batch, one datagram per slot, until the batch is full or the spill empty. */
    private int drainSpill(DatagramBatch batch) {
        int added = 0;
        MemorySegment slots = pendingCount > 0 ? batchMemory.of(batch) : null;
        while (pendingMessage < pendingCount && !batch.isFull()) {
            int m = pendingMessage;
            int len = Math.min(pendingSegment[m], pendingLength[m] - pendingOffset);
            int slot = batch.count();
            MemorySegment.copy(pendingBase, pendingStart[m] + pendingOffset, slots, batch.offset(slot),
                    Math.min(len, batch.slotSize()));
            batch.set(slot, pendingPeer[m], len);
            added++;
            pendingOffset += pendingSegment[m];
            if (pendingOffset >= pendingLength[m]) {
                pendingPeer[m] = null;
                pendingMessage++;
                pendingOffset = 0;
            }
        }
        if (pendingMessage >= pendingCount) {
            pendingCount = 0;
            pendingMessage = 0;
        }
        return added;
    }

    private void countOverflow(MsgHdrs h, int j) {
        long at = Cmsg.find(h.controls(), h.controlOffset(j), h.controlLength(j), Linux.SOL_SOCKET,
                Linux.SO_RXQ_OVFL);
        if (at >= 0) {
            long counter = h.controls().get(ValueLayout.JAVA_INT, at) & 0xffffffffL;
            // The kernel's counter is the socket's total; it wraps at 2^32.
            kernelDrops += (counter - lastOverflow) & 0xffffffffL;
            lastOverflow = counter;
        }
    }
}
