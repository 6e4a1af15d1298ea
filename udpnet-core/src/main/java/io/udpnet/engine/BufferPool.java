package io.udpnet.engine;

import java.nio.ByteBuffer;

/**
 * Heap buffers for reassembly and reordering, kept for reuse so that steady traffic allocates nothing: power-of-two
 * size classes from 64 bytes to 64 KiB (a class below the reassembly chunk's keeps up to 32 buffers, the others
 * 2 MiB each, so that a message of 1 MiB in 16 KiB chunks finds them all again), and one buffer above 64 KiB, the one
 * a large reassembled message is copied into for delivery (its size rounded up to 64 KiB).
 *
 * <p>Buffers kept here count against the connection's receive budget, so the memory limits cover them: a buffer is
 * kept only if the budget has room for it and the shared budget above it stays at most half full (one connection's
 * spares never take the room another's data needs), taking one out gives its bytes back, and {@link #room} gives up
 * every kept buffer before it lets the budget refuse data. An idle connection lets the whole pool go ({@link #shed}).
 */
final class BufferPool {
    private static final int MIN_SHIFT = 6;
    private static final int MAX_SHIFT = 16;
    private static final int PER_CLASS = 32;
    private static final int KEEP_BYTES = 2 << 20;
    private static final int LARGE_STEP = 1 << MAX_SHIFT;

    private static final int CLASSES = MAX_SHIFT - MIN_SHIFT + 1;

    /** What kept buffers count against: the receive budget of the connection. */
    private final ByteBudget budget;
    /** Free buffers per class; the table and each class's array are made on first release. */
    private ByteBuffer[][] free;
    private int[] count;
    /** The one kept buffer above the largest class, or null. */
    private ByteBuffer large;
    /** Bytes of the buffers kept, all taken from {@link #budget}. */
    private long kept;

    BufferPool(ByteBudget budget) {
        this.budget = budget;
    }

    /** A cleared buffer of at least {@code size} bytes, its limit set to {@code size}. */
    ByteBuffer acquire(int size) {
        int cls = sizeClass(size);
        ByteBuffer b;
        if (cls < 0) {
            b = large;
            if (b != null && b.capacity() >= size) {
                large = null;
                unkeep(b.capacity());
            } else {
                b = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8,
                        ((long) size + LARGE_STEP - 1) & -LARGE_STEP));
            }
        } else if (count != null && count[cls] > 0) {
            b = free[cls][--count[cls]];
            free[cls][count[cls]] = null;
            unkeep(b.capacity());
        } else {
            b = ByteBuffer.allocate(1 << (cls + MIN_SHIFT));
        }
        b.clear().limit(size);
        return b;
    }

    /**
     * Gives a buffer back. It is dropped if it is not of a size this pool makes, if its class is full, or if the
     * budget has no room to keep it; of two large buffers the larger is kept.
     */
    void release(ByteBuffer b) {
        int cap = b.capacity();
        if (!b.hasArray() || b.arrayOffset() != 0) {
            return;
        }
        if (cap > 1 << MAX_SHIFT) {
            if (cap % LARGE_STEP != 0 || (large != null && large.capacity() >= cap)) {
                return;
            }
            if (large != null) {
                unkeep(large.capacity());
                large = null;
            }
            if (keep(cap)) {
                large = b;
            }
            return;
        }
        if (Integer.bitCount(cap) != 1) {
            return;
        }
        int shift = Integer.numberOfTrailingZeros(cap);
        int cls = shift - MIN_SHIFT;
        if (cls < 0) {
            return;
        }
        if (free == null) {
            free = new ByteBuffer[CLASSES][];
            count = new int[CLASSES];
        }
        if (free[cls] == null) {
            // Reassembly chunks and the classes above them keep KEEP_BYTES each, the smaller classes PER_CLASS buffers.
            free[cls] = new ByteBuffer[cap(shift)];
        }
        if (count[cls] < free[cls].length && keep(cap)) {
            free[cls][count[cls]++] = b;
        }
    }

    /**
     * Whether the budget can take {@code n} more bytes for a buffer about to be {@link #acquire acquired}, giving up
     * the kept buffers first if that makes the difference: what is kept for reuse must never make the receiver refuse
     * data. A kept buffer of the right class is room enough, since taking it out gives its bytes back; the caller
     * acquires before it takes {@code n} from the budget, so the count never goes over.
     */
    boolean room(int n) {
        if (budget.canTake(n)) {
            return true;
        }
        int cls = sizeClass(n);
        if (n > 0 && cls >= 0 && count != null && count[cls] > 0) {
            return true;
        }
        return shed() && budget.canTake(n);
    }

    /** Lets every kept buffer go and gives its bytes back to the budget; whether there was any. */
    boolean shed() {
        if (kept == 0) {
            return false;
        }
        budget.give(kept);
        kept = 0;
        free = null;
        count = null;
        large = null;
        return true;
    }

    /** Bytes of the buffers kept for reuse (counted in the budget). */
    long kept() {
        return kept;
    }

    private boolean keep(int bytes) {
        if (!budget.canKeep(bytes)) {
            return false;
        }
        budget.take(bytes);
        kept += bytes;
        return true;
    }

    private void unkeep(int bytes) {
        budget.give(bytes);
        kept -= bytes;
    }

    private static int cap(int shift) {
        return 1 << shift >= PartialMessage.CHUNK_BYTES ? KEEP_BYTES >> shift : PER_CLASS;
    }

    private static int sizeClass(int size) {
        if (size > 1 << MAX_SHIFT) {
            return -1;
        }
        int shift = Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(1, size) - 1));
        return shift - MIN_SHIFT;
    }
}
