package io.udpnet.impair;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

import io.udpnet.impair.LinkDropReason;
import io.udpnet.impair.LinkConfig;
import io.udpnet.impair.LinkStats;

/**
 * One direction of a simulated path: applies a {@link LinkConfig} to each datagram offered and tells a
 * {@link Sink} when each surviving copy arrives. Holds its own random stream; the simulator seeds it from the
 * simulation seed and the two addresses only ({@link #seedFor}), so the draws of one link never depend on how many
 * other links exist or what they carry.
 *
 * <p>Shared by the simulator (virtual time) and the impairment relay of {@code io.udpnet.transport} (real time), so
 * that both apply a {@link LinkConfig} the same way. Not thread-safe; not part of the API (the package is not
 * exported).
 */
public final class Link {

    /** Where a link reports the fate of the datagrams offered to it. */
    public interface Sink {
        /** A copy held in {@code data[0..length)} (a pooled array, now owned by the sink) arrives at {@code at}. */
        void deliverAt(Link link, long atNanos, byte[] data, int length);

        /** A datagram of {@code length} bytes was discarded. */
        void dropped(Link link, int length, LinkDropReason reason);
    }

    /** A datagram waiting in or passing through the bottleneck: it leaves the queue at {@code finishNanos}. */
    private record Queued(long finishNanos, int length) {
    }

    public final InetSocketAddress from;
    public final InetSocketAddress to;
    private final SplittableRandom random;
    private final DatagramPool pool;
    private LinkConfig config;
    /** Whether the config was set for this link, rather than taken from the simulation's default. */
    private boolean explicit;

    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long transmitterFreeAtNanos = Long.MIN_VALUE;

    private long offeredDatagrams;
    private long offeredBytes;
    private long deliveredDatagrams;
    private long deliveredBytes;
    private long lost;
    private long queueDropped;
    private long oversizeDropped;
    private long duplicated;
    private long reordered;
    private long corrupted;

    /**
     * A link whose random stream starts from {@code streamSeed}: the simulator derives it with {@link #seedFor}, the
     * relay from its own seed and the order in which clients appear.
     */
    public Link(long streamSeed, InetSocketAddress from, InetSocketAddress to, LinkConfig config, boolean explicit,
            DatagramPool pool) {
        this.from = from;
        this.to = to;
        this.config = config;
        this.explicit = explicit;
        this.pool = pool;
        this.random = new SplittableRandom(streamSeed);
    }

    public LinkConfig config() {
        return config;
    }

    public boolean isExplicit() {
        return explicit;
    }

    public void configure(LinkConfig newConfig, boolean isExplicit) {
        this.config = newConfig;
        this.explicit = isExplicit;
    }

    /**
     * Applies the link to the datagram between {@code src}'s position and limit, sent at {@code nowNanos}. Leaves
     * {@code src}'s position unchanged; copies the bytes only for copies that survive.
     */
    public void offer(long nowNanos, ByteBuffer src, Sink sink) {
        LinkConfig c = config;
        int length = src.remaining();
        offeredDatagrams++;
        offeredBytes += length;

        if (c.maxDatagramSize() != 0 && length > c.maxDatagramSize()) {
            oversizeDropped++;
            sink.dropped(this, length, LinkDropReason.OVERSIZE);
            return;
        }

        long departure = nowNanos;
        if (c.bandwidthBitsPerSecond() != 0) {
            drainQueue(nowNanos);
            if (queuedBytes + length > c.queueCapacityBytes()) {
                queueDropped++;
                sink.dropped(this, length, LinkDropReason.QUEUE_OVERFLOW);
                return;
            }
            long start = Math.max(nowNanos, transmitterFreeAtNanos);
            departure = saturatingAdd(start, serialisationNanos(length, c.bandwidthBitsPerSecond()));
            transmitterFreeAtNanos = departure;
            queue.add(new Queued(departure, length));
            queuedBytes += length;
        }

        if (chance(c.lossProbability())) {
            lost++;
            sink.dropped(this, length, LinkDropReason.RANDOM_LOSS);
            return;
        }

        int copies = 1;
        if (chance(c.duplicationProbability())) {
            copies = 2;
            duplicated++;
        }
        for (int i = 0; i < copies; i++) {
            byte[] data = pool.acquire(length);
            src.get(src.position(), data, 0, length);
            if (chance(c.corruptionProbability()) && length > 0) {
                flipBits(data, length);
                corrupted++;
            }
            long delay = c.latencyNanos();
            if (c.jitterNanos() > 0) {
                delay = Math.max(0, delay + random.nextLong(-c.jitterNanos(), c.jitterNanos() + 1));
            }
            if (chance(c.reorderProbability())) {
                delay += c.reorderDelayNanos();
                reordered++;
            }
            sink.deliverAt(this, saturatingAdd(departure, delay), data, length);
        }
    }

    /** Records that a copy of {@code length} bytes reached its node. */
    public void countDelivered(int length) {
        deliveredDatagrams++;
        deliveredBytes += length;
    }

    public LinkStats stats() {
        return new LinkStats(offeredDatagrams, offeredBytes, deliveredDatagrams, deliveredBytes, lost, queueDropped,
                oversizeDropped, duplicated, reordered, corrupted);
    }

    private void drainQueue(long nowNanos) {
        Queued head;
        while ((head = queue.peek()) != null && head.finishNanos() <= nowNanos) {
            queue.poll();
            queuedBytes -= head.length();
        }
    }

    /** Draws only when the outcome is uncertain, so probabilities of 0 and 1 cost nothing. */
    private boolean chance(double probability) {
        if (probability <= 0.0) {
            return false;
        }
        return probability >= 1.0 || random.nextDouble() < probability;
    }

    /** Flips one to three distinct bits: distinct so that two flips never cancel out. */
    private void flipBits(byte[] data, int length) {
        long bits = (long) length * 8;
        int count = (int) Math.min(bits, 1 + random.nextInt(3));
        long[] chosen = new long[count];
        for (int i = 0; i < count; i++) {
            long bit;
            boolean repeat;
            do {
                bit = random.nextLong(bits);
                repeat = false;
                for (int j = 0; j < i; j++) {
                    repeat |= chosen[j] == bit;
                }
            } while (repeat);
            chosen[i] = bit;
            data[(int) (bit >>> 3)] ^= (byte) (1 << (bit & 7));
        }
    }

    /** Time to clock {@code length} bytes onto a wire of the given rate, rounded up to whole nanoseconds. */
    public static long serialisationNanos(int length, long bitsPerSecond) {
        // A double is exact here for any realistic size and rate, and IEEE arithmetic is deterministic in Java.
        return (long) Math.ceil(length * 8.0 * 1_000_000_000.0 / bitsPerSecond);
    }

    public static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }

    /** A seed for the link's random stream that depends only on the simulation seed and the two addresses. */
    public static long seedFor(long simulationSeed, InetSocketAddress from, InetSocketAddress to) {
        long h = mix(simulationSeed);
        h = mix(h ^ addressHash(from));
        return mix(h + 0x632BE59BD9B4E019L ^ addressHash(to));
    }

    private static long addressHash(InetSocketAddress address) {
        long h = 0x9E3779B97F4A7C15L + address.getPort();
        InetAddress ip = address.getAddress();
        if (ip != null) {
            for (byte b : ip.getAddress()) {
                h = mix(h * 31 + (b & 0xFF));
            }
        } else {
            // Unresolved addresses: hash the host string, which is stable across runs unlike identity hashes.
            String host = address.getHostString();
            for (int i = 0; i < host.length(); i++) {
                h = mix(h * 31 + host.charAt(i));
            }
        }
        return mix(h);
    }

    /** A 64-bit finaliser that spreads every input bit over the whole output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
