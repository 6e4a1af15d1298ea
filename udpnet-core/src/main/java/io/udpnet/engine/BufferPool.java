package io.udpnet.engine;

import java.nio.ByteBuffer;

/**
 * Heap buffers for reassembly and reordering, in power-of-two size classes from 64 bytes to 64 KiB, kept for reuse
 * so that steady traffic allocates nothing. Larger buffers are allocated on demand and left to the garbage
 * collector: big messages are rare, and keeping them would pin memory. Each class keeps a bounded number.
 */
final class BufferPool {
    private static final int MIN_SHIFT = 6;
    private static final int MAX_SHIFT = 16;
    private static final int PER_CLASS = 32;

    private final ByteBuffer[][] free = new ByteBuffer[MAX_SHIFT - MIN_SHIFT + 1][PER_CLASS];
    private final int[] count = new int[MAX_SHIFT - MIN_SHIFT + 1];

    /** A cleared buffer of at least {@code size} bytes, its limit set to {@code size}. */
    ByteBuffer acquire(int size) {
        int cls = sizeClass(size);
        if (cls < 0) {
            return ByteBuffer.allocate(size);
        }
        ByteBuffer b = count[cls] > 0 ? free[cls][--count[cls]] : ByteBuffer.allocate(1 << (cls + MIN_SHIFT));
        free[cls][count[cls]] = null;
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
        if (cls >= 0 && cls < count.length && count[cls] < PER_CLASS) {
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
