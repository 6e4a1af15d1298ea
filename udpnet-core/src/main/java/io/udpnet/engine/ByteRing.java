package io.udpnet.engine;

import java.nio.ByteBuffer;

/**
 * A growable ring of bytes addressed by absolute positions that only increase. Bytes are appended at the tail and
 * released from the head; the backing array doubles when needed and is kept afterwards, so a steady flow of
 * messages allocates nothing.
 */
final class ByteRing {
    private byte[] data;
    private long head;
    private long tail;

    ByteRing(int initialCapacity) {
        data = new byte[Integer.highestOneBit(Math.max(16, initialCapacity - 1)) << 1];
    }

    long tail() {
        return tail;
    }

    /** Bytes held between head and tail. */
    long size() {
        return tail - head;
    }

    /**
     * Appends {@code n} bytes of {@code src} from index {@code from}, without moving its position; returns their
     * start position.
     */
    long append(ByteBuffer src, int from, int n) {
        ensureFree(n);
        long start = tail;
        int index = (int) (tail & (data.length - 1));
        int first = Math.min(n, data.length - index);
        copy(src, from, data, index, first);
        if (first < n) {
            copy(src, from + first, data, 0, n - first);
        }
        tail += n;
        return start;
    }

    /** Copies {@code length} bytes from absolute position {@code from} into {@code dst} at index {@code at}. */
    void copyOut(long from, int length, ByteBuffer dst, int at) {
        int index = (int) (from & (data.length - 1));
        int first = Math.min(length, data.length - index);
        copy(data, index, dst, at, first);
        if (first < length) {
            copy(data, 0, dst, at + first, length - first);
        }
    }

    // Heap buffers are copied with System.arraycopy: ByteBuffer's bulk methods add a memory-session check per call,
    // which dominates for the short copies of small messages. Bounds are checked against the buffer's limit as the
    // ByteBuffer methods would. A packet header (a dozen bytes) is copied by a plain loop, cheaper than the call to
    // the array-copy routine.

    private static final int SHORT_COPY = 16;

    private static void copy(ByteBuffer src, int from, byte[] dst, int at, int n) {
        if (src.hasArray()) {
            java.util.Objects.checkFromIndexSize(from, n, src.limit());
            byte[] a = src.array();
            int o = src.arrayOffset() + from;
            if (n <= SHORT_COPY) {
                for (int k = 0; k < n; k++) {
                    dst[at + k] = a[o + k];
                }
            } else {
                System.arraycopy(a, o, dst, at, n);
            }
        } else {
            src.get(from, dst, at, n);
        }
    }

    private static void copy(byte[] src, int from, ByteBuffer dst, int at, int n) {
        if (dst.hasArray()) {
            java.util.Objects.checkFromIndexSize(at, n, dst.limit());
            System.arraycopy(src, from, dst.array(), dst.arrayOffset() + at, n);
        } else {
            dst.put(at, src, from, n);
        }
    }

    /** Releases every byte before {@code position}. */
    void releaseTo(long position) {
        head = position;
    }

    private void ensureFree(int n) {
        long needed = tail - head + n;
        if (needed <= data.length) {
            return;
        }
        int capacity = data.length;
        while (capacity < needed) {
            capacity <<= 1;
        }
        byte[] bigger = new byte[capacity];
        for (long p = head; p < tail; ) {
            int from = (int) (p & (data.length - 1));
            int to = (int) (p & (capacity - 1));
            int run = (int) Math.min(tail - p, Math.min(data.length - from, capacity - to));
            System.arraycopy(data, from, bigger, to, run);
            p += run;
        }
        data = bigger;
    }
}
