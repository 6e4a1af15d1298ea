package io.udpnet.impair;

import java.time.Duration;
import java.util.Objects;

/**
 * How one direction of a simulated path treats the datagrams offered to it. Immutable; build one with
 * {@link #builder()} or start from an existing one with {@link #toBuilder()}.
 *
 * <p>A datagram offered to a link goes through these stages, in this order:
 * <ol>
 *   <li><b>Size limit.</b> If {@link #maxDatagramSize()} is not 0 and the datagram is longer, it is dropped silently,
 *       as a router with a smaller MTU would (useful for path-MTU discovery tests).</li>
 *   <li><b>Bottleneck.</b> If {@link #bandwidthBitsPerSecond()} is not 0 the datagram joins a drop-tail queue in front
 *       of a transmitter of that rate. It is dropped if the bytes already in the queue (including the datagram being
 *       transmitted) plus its own length would exceed {@link #queueCapacityBytes()}; otherwise it leaves the
 *       transmitter after the datagrams ahead of it plus its own serialisation time ({@code length * 8 / rate}).
 *       With no limit it leaves at once.</li>
 *   <li><b>Random loss</b> with probability {@link #lossProbability()}. A lost datagram has still used the
 *       bottleneck, like a datagram lost on the wire after the queue.</li>
 *   <li><b>Duplication</b> with probability {@link #duplicationProbability()}: one extra copy is made. Each copy then
 *       goes through the remaining stages on its own.</li>
 *   <li><b>Corruption</b> with probability {@link #corruptionProbability()}: one to three distinct random bits of the
 *       copy are flipped (an empty datagram cannot be corrupted).</li>
 *   <li><b>Propagation delay:</b> {@link #latencyNanos()} plus a jitter drawn uniformly from
 *       {@code [-jitter, +jitter]}; a total below zero is clamped to zero, so a datagram never arrives before it left
 *       the transmitter. Jitter alone can reorder datagrams that are sent closer together than the jitter range.</li>
 *   <li><b>Reordering</b> with probability {@link #reorderProbability()}: the copy is held back by an extra
 *       {@link #reorderDelayNanos()}, so datagrams sent up to that long after it overtake it.</li>
 * </ol>
 *
 * <p>Sizes are those of the datagram payload as the node sent it: no IP or UDP header overhead is added when
 * applying the bandwidth, queue or size limits.
 *
 * <p>The default values, also those of {@link #PERFECT}, describe a perfect link: no loss, duplication, reordering
 * or corruption, zero latency, no bandwidth limit and no size limit; a reorder delay of 10 ms and a queue capacity
 * of 64 KiB apply once reordering or a bandwidth limit is switched on.
 */
public final class LinkConfig {

    /** Default extra delay of a reordered datagram. */
    public static final Duration DEFAULT_REORDER_DELAY = Duration.ofMillis(10);

    /** Default capacity of the bottleneck queue, in bytes. */
    public static final int DEFAULT_QUEUE_CAPACITY_BYTES = 64 * 1024;

    /** Longest latency, jitter or reorder delay accepted; keeps every sum of delays far from overflow. */
    public static final Duration MAX_DELAY = Duration.ofDays(1);

    /** A link that delivers everything at once, unchanged and in order. Declared after the defaults it uses. */
    public static final LinkConfig PERFECT = new Builder().build();

    private final double lossProbability;
    private final double duplicationProbability;
    private final double reorderProbability;
    private final double corruptionProbability;
    private final long latencyNanos;
    private final long jitterNanos;
    private final long reorderDelayNanos;
    private final long bandwidthBitsPerSecond;
    private final int queueCapacityBytes;
    private final int maxDatagramSize;

    private LinkConfig(Builder b) {
        this.lossProbability = b.lossProbability;
        this.duplicationProbability = b.duplicationProbability;
        this.reorderProbability = b.reorderProbability;
        this.corruptionProbability = b.corruptionProbability;
        this.latencyNanos = b.latencyNanos;
        this.jitterNanos = b.jitterNanos;
        this.reorderDelayNanos = b.reorderDelayNanos;
        this.bandwidthBitsPerSecond = b.bandwidthBitsPerSecond;
        this.queueCapacityBytes = b.queueCapacityBytes;
        this.maxDatagramSize = b.maxDatagramSize;
    }

    /** A builder holding the values of {@link #PERFECT}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to derive a modified copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Probability, 0 to 1, that a datagram is lost. */
    public double lossProbability() {
        return lossProbability;
    }

    /** Probability, 0 to 1, that a datagram is delivered twice. */
    public double duplicationProbability() {
        return duplicationProbability;
    }

    /** Probability, 0 to 1, that a datagram copy is held back by {@link #reorderDelayNanos()}. */
    public double reorderProbability() {
        return reorderProbability;
    }

    /** Probability, 0 to 1, that one to three bits of a datagram copy are flipped. */
    public double corruptionProbability() {
        return corruptionProbability;
    }

    /** One-way propagation delay in nanoseconds. */
    public long latencyNanos() {
        return latencyNanos;
    }

    /** Half-width in nanoseconds of the uniform jitter added to {@link #latencyNanos()}. */
    public long jitterNanos() {
        return jitterNanos;
    }

    /** Extra delay in nanoseconds given to a reordered datagram. */
    public long reorderDelayNanos() {
        return reorderDelayNanos;
    }

    /** Bottleneck rate in bits per second; 0 means unlimited. */
    public long bandwidthBitsPerSecond() {
        return bandwidthBitsPerSecond;
    }

    /** Capacity in bytes of the drop-tail queue in front of the bottleneck; unused when the rate is unlimited. */
    public int queueCapacityBytes() {
        return queueCapacityBytes;
    }

    /** Longest datagram, in bytes, the link carries; 0 means no limit. */
    public int maxDatagramSize() {
        return maxDatagramSize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinkConfig c
                && Double.compare(lossProbability, c.lossProbability) == 0
                && Double.compare(duplicationProbability, c.duplicationProbability) == 0
                && Double.compare(reorderProbability, c.reorderProbability) == 0
                && Double.compare(corruptionProbability, c.corruptionProbability) == 0
                && latencyNanos == c.latencyNanos
                && jitterNanos == c.jitterNanos
                && reorderDelayNanos == c.reorderDelayNanos
                && bandwidthBitsPerSecond == c.bandwidthBitsPerSecond
                && queueCapacityBytes == c.queueCapacityBytes
                && maxDatagramSize == c.maxDatagramSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lossProbability, duplicationProbability, reorderProbability, corruptionProbability,
                latencyNanos, jitterNanos, reorderDelayNanos, bandwidthBitsPerSecond, queueCapacityBytes,
                maxDatagramSize);
    }

    @Override
    public String toString() {
        return "LinkConfig[loss=" + lossProbability + ", duplication=" + duplicationProbability
                + ", reorder=" + reorderProbability + " (+" + reorderDelayNanos + " ns)"
                + ", corruption=" + corruptionProbability + ", latency=" + latencyNanos + " ns"
                + ", jitter=" + jitterNanos + " ns, bandwidth=" + bandwidthBitsPerSecond + " bit/s"
                + ", queue=" + queueCapacityBytes + " B, maxDatagram=" + maxDatagramSize + " B]";
    }

    /** Collects and validates the values of a {@link LinkConfig}. Each setter rejects a bad value at once. */
    public static final class Builder {
        private double lossProbability;
        private double duplicationProbability;
        private double reorderProbability;
        private double corruptionProbability;
        private long latencyNanos;
        private long jitterNanos;
        private long reorderDelayNanos = DEFAULT_REORDER_DELAY.toNanos();
        private long bandwidthBitsPerSecond;
        private int queueCapacityBytes = DEFAULT_QUEUE_CAPACITY_BYTES;
        private int maxDatagramSize;

        private Builder() {
        }

        private Builder(LinkConfig c) {
            lossProbability = c.lossProbability;
            duplicationProbability = c.duplicationProbability;
            reorderProbability = c.reorderProbability;
            corruptionProbability = c.corruptionProbability;
            latencyNanos = c.latencyNanos;
            jitterNanos = c.jitterNanos;
            reorderDelayNanos = c.reorderDelayNanos;
            bandwidthBitsPerSecond = c.bandwidthBitsPerSecond;
            queueCapacityBytes = c.queueCapacityBytes;
            maxDatagramSize = c.maxDatagramSize;
        }

        /** Probability, 0 to 1, that a datagram is lost. */
        public Builder loss(double probability) {
            lossProbability = probability("loss", probability);
            return this;
        }

        /** Probability, 0 to 1, that a datagram is delivered twice. */
        public Builder duplication(double probability) {
            duplicationProbability = probability("duplication", probability);
            return this;
        }

        /** Probability, 0 to 1, that a datagram is held back by the {@linkplain #reorderDelay reorder delay}. */
        public Builder reorder(double probability) {
            reorderProbability = probability("reorder", probability);
            return this;
        }

        /** Extra delay of a reordered datagram; must be positive. Default 10 ms. */
        public Builder reorderDelay(Duration delay) {
            long nanos = delay("reorderDelay", delay);
            if (nanos == 0) {
                throw new IllegalArgumentException("reorderDelay must be positive, got " + delay);
            }
            reorderDelayNanos = nanos;
            return this;
        }

        /** Probability, 0 to 1, that bits of a datagram are flipped. */
        public Builder corruption(double probability) {
            corruptionProbability = probability("corruption", probability);
            return this;
        }

        /** One-way propagation delay, 0 to {@link #MAX_DELAY}. */
        public Builder latency(Duration latency) {
            latencyNanos = delay("latency", latency);
            return this;
        }

        /** Half-width of the uniform jitter added to the latency, 0 to {@link #MAX_DELAY}. */
        public Builder jitter(Duration jitter) {
            jitterNanos = delay("jitter", jitter);
            return this;
        }

        /** Bottleneck rate in bits per second; 0 (the default) means unlimited. */
        public Builder bandwidth(long bitsPerSecond) {
            if (bitsPerSecond < 0) {
                throw new IllegalArgumentException("bandwidth must be >= 0 bit/s (0 = unlimited), got "
                        + bitsPerSecond);
            }
            bandwidthBitsPerSecond = bitsPerSecond;
            return this;
        }

        /** Capacity in bytes of the drop-tail queue in front of the bottleneck; at least 1. Default 64 KiB. */
        public Builder queueCapacity(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("queueCapacity must be >= 1 byte, got " + bytes);
            }
            queueCapacityBytes = bytes;
            return this;
        }

        /** Longest datagram, in bytes, the link carries; longer ones are dropped. 0 (the default) means no limit. */
        public Builder maxDatagramSize(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxDatagramSize must be >= 0 bytes (0 = no limit), got "
                        + bytes);
            }
            maxDatagramSize = bytes;
            return this;
        }

        /** The configuration collected so far. */
        public LinkConfig build() {
            return new LinkConfig(this);
        }

        private static double probability(String name, double p) {
            // Written so that NaN fails too.
            if (!(p >= 0.0 && p <= 1.0)) {
                throw new IllegalArgumentException(name + " probability must be between 0 and 1, got " + p);
            }
            return p;
        }

        private static long delay(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.compareTo(MAX_DELAY) > 0) {
                throw new IllegalArgumentException(name + " must be between 0 and " + MAX_DELAY + ", got " + d);
            }
            return d.toNanos();
        }
    }
}
