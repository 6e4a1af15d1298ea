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

    /** Appends the remaining bytes of {@code src} without moving its position; returns their start position. */
    long append(ByteBuffer src) {
        int n = src.remaining();
        ensureFree(n);
        long start = tail;
        int index = (int) (tail & (data.length - 1));
        int first = Math.min(n, data.length - index);
        src.get(src.position(), data, index, first);
        if (first < n) {
            src.get(src.position() + first, data, 0, n - first);
        }
        tail += n;
        return start;
    }

    /** Copies {@code length} bytes from absolute position {@code from} into {@code dst} at index {@code at}. */
    void copyOut(long from, int length, ByteBuffer dst, int at) {
        int index = (int) (from & (data.length - 1));
        int first = Math.min(length, data.length - index);
        dst.put(at, data, index, first);
        if (first < length) {
            dst.put(at + first, data, 0, length - first);
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
