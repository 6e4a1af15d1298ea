package io.udpnet.impair;

import java.util.ArrayDeque;

/**
 * Recycles the byte arrays that hold datagrams in flight, so a long simulation does not allocate one array per
 * datagram. Arrays come in power-of-two size classes; the pool keeps at most {@link #MAX_POOLED_BYTES} in total so
 * an occasional burst does not pin memory for the rest of the run. Not thread-safe: a simulation, and a relay's event loop, are single-threaded.
 */
public final class DatagramPool {

    /** Smallest size class: 2^6 = 64 bytes. */
    private static final int MIN_SHIFT = 6;
    /** Largest pooled size class: 2^16 = 64 KiB, enough for any UDP payload. Larger arrays are not recycled. */
    private static final int MAX_SHIFT = 16;
    public static final long MAX_POOLED_BYTES = 4L * 1024 * 1024;

    @SuppressWarnings({"unchecked", "rawtypes"})   // a generic array can only be made from the raw type
    private final ArrayDeque<byte[]>[] free = new ArrayDeque[MAX_SHIFT - MIN_SHIFT + 1];
    private long pooledBytes;

    public DatagramPool() {
        for (int i = 0; i < free.length; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /** An array of at least {@code length} bytes; its contents are undefined. */
    public byte[] acquire(int length) {
        int shift = shiftFor(length);
        if (shift > MAX_SHIFT) {
            return new byte[length];
        }
        byte[] array = free[shift - MIN_SHIFT].poll();
        if (array == null) {
            return new byte[1 << shift];
        }
        pooledBytes -= array.length;
        return array;
    }

    /** Gives back an array obtained from {@link #acquire}; the caller must not use it afterwards. */
    public void release(byte[] array) {
        int shift = shiftFor(array.length);
        // Only exact size-class arrays are recycled; oversized ones were allocated to measure.
        if (shift > MAX_SHIFT || array.length != 1 << shift || pooledBytes + array.length > MAX_POOLED_BYTES) {
            return;
        }
        free[shift - MIN_SHIFT].push(array);
        pooledBytes += array.length;
    }

    /** Bytes currently held by the pool, for tests. */
    public long pooledBytes() {
        return pooledBytes;
    }

    private static int shiftFor(int length) {
        if (length <= 1 << MIN_SHIFT) {
            return MIN_SHIFT;
        }
        return 32 - Integer.numberOfLeadingZeros(length - 1);
    }
}
