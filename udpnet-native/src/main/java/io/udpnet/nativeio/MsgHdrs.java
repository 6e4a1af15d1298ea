package io.udpnet.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * An array of {@code struct mmsghdr} for recvmmsg/sendmmsg, with the iovecs, socket addresses and control buffers the
 * headers point to, all in one arena and wired together once. Per call only lengths and buffer addresses change.
 * Message {@code i} uses sockaddr {@code i} and control buffer {@code i}; iovecs are a pool the caller hands out, so a
 * GSO message can gather several batch slots.
 */
final class MsgHdrs {
    /** struct msghdr (LP64). */
    static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("msg_name"),
            ValueLayout.JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.ADDRESS.withName("msg_iov"),
            ValueLayout.JAVA_LONG.withName("msg_iovlen"),
            ValueLayout.ADDRESS.withName("msg_control"),
            ValueLayout.JAVA_LONG.withName("msg_controllen"),
            ValueLayout.JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));
    /** struct mmsghdr. */
    static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            MSGHDR.withName("msg_hdr"),
            ValueLayout.JAVA_INT.withName("msg_len"),
            MemoryLayout.paddingLayout(4));
    /** struct iovec. */
    static final StructLayout IOVEC = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("iov_base"),
            ValueLayout.JAVA_LONG.withName("iov_len"));

    static final long NAME = MSGHDR.byteOffset(groupElement("msg_name"));
    static final long NAMELEN = MSGHDR.byteOffset(groupElement("msg_namelen"));
    static final long IOV = MSGHDR.byteOffset(groupElement("msg_iov"));
    static final long IOVLEN = MSGHDR.byteOffset(groupElement("msg_iovlen"));
    static final long CONTROL = MSGHDR.byteOffset(groupElement("msg_control"));
    static final long CONTROLLEN = MSGHDR.byteOffset(groupElement("msg_controllen"));
    private static final long FLAGS = MSGHDR.byteOffset(groupElement("msg_flags"));
    static final long MSG_LEN = MMSGHDR.byteOffset(groupElement("msg_len"));
    private static final long IOV_BASE = IOVEC.byteOffset(groupElement("iov_base"));
    private static final long IOV_LEN = IOVEC.byteOffset(groupElement("iov_len"));
    private static final long STRIDE = MMSGHDR.byteSize();

    /** The headers, to pass to the kernel. */
    final MemorySegment msgs;
    private final MemorySegment iovs;
    private final MemorySegment names;
    private final MemorySegment controls;
    private final int capacity;
    private final int controlBytes;

    /**
     * @param arena        owns the memory
     * @param capacity     messages (and iovecs)
     * @param controlBytes control buffer bytes per message
     */
    MsgHdrs(Arena arena, int capacity, int controlBytes) {
        this.capacity = capacity;
        this.controlBytes = controlBytes;
        this.msgs = arena.allocate(STRIDE * capacity, 8);
        this.iovs = arena.allocate(IOVEC.byteSize() * capacity, 8);
        this.names = arena.allocate((long) SockAddr.MAX_BYTES * capacity, 8);
        this.controls = arena.allocate((long) Math.max(controlBytes, 8) * capacity, 8);
        for (int i = 0; i < capacity; i++) {
            long m = STRIDE * i;
            msgs.set(ValueLayout.JAVA_LONG, m + NAME, names.address() + (long) SockAddr.MAX_BYTES * i);
            msgs.set(ValueLayout.JAVA_LONG, m + CONTROL, controls.address() + (long) controlBytes * i);
        }
    }

    int capacity() {
        return capacity;
    }

    /** Message {@code i} gathers {@code count} iovecs from pool index {@code firstIov}; name and control cleared. */
    void message(int i, int firstIov, int count, int nameLen, int controlLen) {
        long m = STRIDE * i;
        msgs.set(ValueLayout.JAVA_LONG, m + IOV, iovs.address() + IOVEC.byteSize() * firstIov);
        msgs.set(ValueLayout.JAVA_LONG, m + IOVLEN, count);
        msgs.set(ValueLayout.JAVA_INT, m + NAMELEN, nameLen);
        msgs.set(ValueLayout.JAVA_LONG, m + CONTROLLEN, controlLen);
        msgs.set(ValueLayout.JAVA_INT, m + FLAGS, 0);
        msgs.set(ValueLayout.JAVA_INT, m + MSG_LEN, 0);
    }

    /** Points pool iovec {@code j} at {@code len} bytes at native address {@code address}. */
    void iov(int j, long address, long len) {
        long at = IOVEC.byteSize() * j;
        iovs.set(ValueLayout.JAVA_LONG, at + IOV_BASE, address);
        iovs.set(ValueLayout.JAVA_LONG, at + IOV_LEN, len);
    }

    /** @return the sockaddr memory; message {@code i}'s is at {@link #nameOffset(int)} */
    MemorySegment names() {
        return names;
    }

    long nameOffset(int i) {
        return (long) SockAddr.MAX_BYTES * i;
    }

    /** @return the control memory; message {@code i}'s is at {@link #controlOffset(int)} */
    MemorySegment controls() {
        return controls;
    }

    long controlOffset(int i) {
        return (long) controlBytes * i;
    }

    /** Sets message {@code i}'s control length (what a sender filled in). */
    void controlLength(int i, int len) {
        msgs.set(ValueLayout.JAVA_LONG, STRIDE * i + CONTROLLEN, len);
    }

    int receivedLength(int i) {
        return msgs.get(ValueLayout.JAVA_INT, STRIDE * i + MSG_LEN);
    }

    int nameLength(int i) {
        return msgs.get(ValueLayout.JAVA_INT, STRIDE * i + NAMELEN);
    }

    int controlLength(int i) {
        return (int) msgs.get(ValueLayout.JAVA_LONG, STRIDE * i + CONTROLLEN);
    }
}
