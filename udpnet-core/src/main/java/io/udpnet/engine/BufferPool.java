package io.udpnet.engine;

import java.nio.ByteBuffer;

/**
 * Heap buffers for reassembly and reordering, in power-of-two size classes from 64 bytes to 64 KiB, kept for reuse
 * so that steady traffic allocates nothing. Larger buffers are allocated on demand and left to the garbage
 * collector: big messages are rare, and keeping them would pin memory. Each class keeps a bounded number; an idle
 * connection lets the whole pool go.
 */
final class BufferPool {
    private static final int MIN_SHIFT = 6;
    private static final int MAX_SHIFT = 16;
    private static final int PER_CLASS = 32;

    private static final int CLASSES = MAX_SHIFT - MIN_SHIFT + 1;

    /** Free buffers per class; the table and each class's array are made on first release. */
    private ByteBuffer[][] free;
    private int[] count;

    /** A cleared buffer of at least {@code size} bytes, its limit set to {@code size}. */
    ByteBuffer acquire(int size) {
        int cls = sizeClass(size);
        if (cls < 0) {
            return ByteBuffer.allocate(size);
        }
        ByteBuffer b;
        if (count != null && count[cls] > 0) {
            b = free[cls][--count[cls]];
            free[cls][count[cls]] = null;
        } else {
            b = ByteBuffer.allocate(1 << (cls + MIN_SHIFT));
        }
        b.clear().limit(size);
        return b;
    }

    /** Gives a buffer back; buffers outside the size classes or beyond the per-class bound are dropped. */
    void release(ByteBuffer b) {
        int cap = b.capacity();
        if (Integer.bitCount(cap) != 1) {
            return;
        }
        int cls = Integer.numberOfTrailingZeros(cap) - MIN_SHIFT;
        if (cls < 0 || cls >= CLASSES) {
            return;
        }
        if (free == null) {
            free = new ByteBuffer[CLASSES][];
            count = new int[CLASSES];
        }
        if (free[cls] == null) {
            free[cls] = new ByteBuffer[PER_CLASS];
        }
        if (count[cls] < PER_CLASS) {
            free[cls][count[cls]++] = b;
        }
    }

    private static int sizeClass(int size) {
        if (size > 1 << MAX_SHIFT) {
            return -1;
        }
        int shift = Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(1, size) - 1));
        return shift - MIN_SHIFT;
    }
}
