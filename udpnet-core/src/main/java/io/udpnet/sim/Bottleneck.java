package io.udpnet.sim;

import io.udpnet.impair.Link;

import java.util.Arrays;

/**
 * A transmitter several routes share: one drop-tail queue drained at a fixed rate, as at the narrow link of a path
 * that several flows cross. Created with {@link Simulation#addBottleneck} and attached to routes with
 * {@link Simulation#routeThrough}; a datagram sent on such a route waits here first, then takes its route's link
 * (latency, random loss and the rest) from the moment it leaves the queue.
 *
 * <p>Counts what it carried and dropped and keeps a histogram of the queueing delay of every datagram it accepted
 * (the wait before its first bit is sent, serialisation excluded), with a relative error under 4%. The counters can
 * be {@linkplain #resetCounters() reset}, to measure a steady state after a start-up.
 */
public final class Bottleneck {
    /** Sub-buckets per power of two of the histogram: the resolution of the percentiles. */
    private static final int SUB_BUCKETS = 32;
    private static final int SUB_BITS = 5;

    private final long bitsPerSecond;
    private final int queueCapacityBytes;

    /** Departure times and lengths of the datagrams waiting or being sent, in order: a ring, grown on demand. */
    private long[] finish = new long[64];
    private int[] lengths = new int[64];
    private int head;
    private int size;
    private long queuedBytes;
    private long transmitterFreeAt = Long.MIN_VALUE;

    private long transmittedDatagrams;
    private long transmittedBytes;
    private long drops;
    private final long[] delayHistogram = new long[64 * SUB_BUCKETS];

    Bottleneck(long bitsPerSecond, int queueCapacityBytes) {
        if (bitsPerSecond <= 0) {
            throw new IllegalArgumentException("bottleneck rate must be > 0 bit/s, got " + bitsPerSecond);
        }
        if (queueCapacityBytes < 1) {
            throw new IllegalArgumentException("bottleneck queue must be >= 1 byte, got " + queueCapacityBytes);
        }
        this.bitsPerSecond = bitsPerSecond;
        this.queueCapacityBytes = queueCapacityBytes;
    }

    /** The rate the queue drains at, bits per second. */
    public long bitsPerSecond() {
        return bitsPerSecond;
    }

    /** Most bytes the queue holds, the datagram being sent included. */
    public int queueCapacityBytes() {
        return queueCapacityBytes;
    }

    /**
     * Takes a datagram of {@code length} bytes offered at {@code now}: returns when its last bit leaves, or -1 when
     * the queue had no room and it was dropped.
     */
    long admit(long now, int length) {
        while (size > 0 && finish[head] <= now) {
            queuedBytes -= lengths[head];
            head = (head + 1) & (finish.length - 1);
            size--;
        }
        if (queuedBytes + length > queueCapacityBytes) {
            drops++;
            return -1;
        }
        long start = Math.max(now, transmitterFreeAt);
        long departure = start + Link.serialisationNanos(length, bitsPerSecond);
        transmitterFreeAt = departure;
        if (size == finish.length) {
            grow();
        }
        int tail = (head + size) & (finish.length - 1);
        finish[tail] = departure;
        lengths[tail] = length;
        size++;
        queuedBytes += length;
        transmittedDatagrams++;
        transmittedBytes += length;
        delayHistogram[bucket(start - now)]++;
        return departure;
    }

    private void grow() {
        long[] f = new long[finish.length * 2];
        int[] l = new int[f.length];
        for (int i = 0; i < size; i++) {
            f[i] = finish[(head + i) & (finish.length - 1)];
            l[i] = lengths[(head + i) & (finish.length - 1)];
        }
        finish = f;
        lengths = l;
        head = 0;
    }

    /** Datagrams accepted (and so sent on, sooner or later) since the last reset. */
    public long transmittedDatagrams() {
        return transmittedDatagrams;
    }

    /** Bytes of those datagrams. */
    public long transmittedBytes() {
        return transmittedBytes;
    }

    /** Datagrams dropped for lack of room in the queue since the last reset. */
    public long drops() {
        return drops;
    }

    /**
     * The queueing delay, in nanoseconds, that a fraction {@code q} (0..1) of the datagrams accepted since the last
     * reset waited at most; 0 when none was accepted.
     */
    public long queueDelayPercentile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("percentile must be 0..1, got " + q);
        }
        long total = 0;
        for (long c : delayHistogram) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int b = 0; b < delayHistogram.length; b++) {
            seen += delayHistogram[b];
            if (seen >= rank) {
                return upperBound(b);
            }
        }
        return upperBound(delayHistogram.length - 1);
    }

    /** Starts the counters and the delay histogram again; the queue itself is untouched. */
    public void resetCounters() {
        transmittedDatagrams = 0;
        transmittedBytes = 0;
        drops = 0;
        Arrays.fill(delayHistogram, 0);
    }

    /**
     * Log-linear buckets: values below {@value #SUB_BUCKETS} ns each have their own; above, every power of two is
     * split into {@value #SUB_BUCKETS} equal parts.
     */
    static int bucket(long nanos) {
        if (nanos < SUB_BUCKETS) {
            return (int) Math.max(0, nanos);
        }
        int exponent = 63 - Long.numberOfLeadingZeros(nanos);   // >= SUB_BITS
        int sub = (int) ((nanos >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1));
        return (exponent - SUB_BITS + 1) * SUB_BUCKETS + sub;
    }

    /** The largest value that falls into bucket {@code b}. */
    static long upperBound(int b) {
        if (b < SUB_BUCKETS) {
            return b;
        }
        int exponent = b / SUB_BUCKETS + SUB_BITS - 1;
        int sub = b % SUB_BUCKETS;
        long low = (1L << exponent) + ((long) sub << (exponent - SUB_BITS));
        return low + (1L << (exponent - SUB_BITS)) - 1;
    }

    @Override
    public String toString() {
        return "Bottleneck[" + bitsPerSecond + " bit/s, queue=" + queueCapacityBytes + " B]";
    }
}
