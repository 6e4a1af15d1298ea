package io.udpnet;

/**
 * Settings of a connection's congestion control. Immutable; build one with {@link #builder()}. Every value is
 * checked when set, with an {@link IllegalArgumentException} naming it.
 *
 * <p>The rate floor and ceiling are for real-time applications. The ceiling caps the pacing rate: the connection
 * never sends faster, even on an idle path. The floor is a promise the application makes about its own traffic
 * (a media stream at its lowest quality, say): the pacing rate never drops below it and the window is kept large
 * enough to carry it for a round trip, even when loss says the path is congested. Set it only to a rate the path
 * is known to carry; 0 (the default) means no floor.
 */
public final class CongestionConfig {
    /** The congestion control algorithms on offer. */
    public enum Algorithm {
        /**
         * Model-based control after BBR: bandwidth and round-trip probes, pacing; random loss compensated, a queue
         * or heavy loss answered.
         */
        BBR,
        /**
         * Loss-based NewReno (slow start, halving once per loss episode), paced: the reference to compare with, and
         * the choice for a path shared with loss-based flows that should not be pushed aside.
         */
        NEW_RENO,
        /** No limit and no pacing: the raw engine, for tests and benchmarks only. */
        NONE
    }

    /** Smallest initial window: two datagrams of the largest size. */
    public static final int MIN_INITIAL_WINDOW = 2 * 1472;
    /** Largest initial window. */
    public static final int MAX_INITIAL_WINDOW = 1 << 20;

    private final Algorithm algorithm;
    private final int initialWindowBytes;
    private final long minPacingRate;
    private final long maxPacingRate;
    private final int pacingBurstBytes;
    private final double lossThreshold;

    private CongestionConfig(Builder b) {
        this.algorithm = b.algorithm;
        this.initialWindowBytes = b.initialWindowBytes;
        this.minPacingRate = b.minPacingRate;
        this.maxPacingRate = b.maxPacingRate;
        this.pacingBurstBytes = b.pacingBurstBytes;
        this.lossThreshold = b.lossThreshold;
    }

    /** A builder with the defaults: BBR, a 12 000-byte initial window, no floor or ceiling. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default configuration. */
    public static CongestionConfig defaults() {
        return builder().build();
    }

    /** The congestion controller connections run. */
    public Algorithm algorithm() {
        return algorithm;
    }

    /** Bytes allowed in flight before the first round-trip sample. */
    public int initialWindowBytes() {
        return initialWindowBytes;
    }

    /** Lowest pacing rate in bytes per second, or 0 for none. */
    public long minPacingRate() {
        return minPacingRate;
    }

    /** Highest pacing rate in bytes per second, or 0 for none. */
    public long maxPacingRate() {
        return maxPacingRate;
    }

    /**
     * Bytes that may leave back to back after a pause, beyond the pacing rate. From a pacing rate of 16 MB/s the
     * allowance is at least one millisecond of sending, up to 64 KiB, so that a late timer wake-up costs no rate.
     */
    public int pacingBurstBytes() {
        return pacingBurstBytes;
    }

    /**
     * BBR only: fraction of datagrams lost over the last few round trips above which the loss counts as congestion
     * and the bound on bytes in flight is lowered, whatever the RTT. Loss below it, in round trips that show no
     * queue, is taken for the path's random loss (a lossy radio link): it does not slow the flow, and its rate, up
     * to this threshold, scales the bandwidth samples back up. Loss while the RTT shows a standing queue counts as
     * congestion from a much lower fraction. Lower it on paths where a policer drops without queueing.
     */
    public double lossThreshold() {
        return lossThreshold;
    }

    @Override
    public String toString() {
        return "CongestionConfig{algorithm=" + algorithm + ", initialWindowBytes=" + initialWindowBytes
                + ", minPacingRate=" + minPacingRate + ", maxPacingRate=" + maxPacingRate + ", pacingBurstBytes="
                + pacingBurstBytes + ", lossThreshold=" + lossThreshold + '}';
    }

    /** Builds a {@link CongestionConfig}. */
    public static final class Builder {
        private Algorithm algorithm = Algorithm.BBR;
        private int initialWindowBytes = 12_000;
        private long minPacingRate;
        private long maxPacingRate;
        private int pacingBurstBytes = 2 * 1472;
        private double lossThreshold = 0.45;

        private Builder() {
        }

        /** Sets the congestion controller connections run. */
        public Builder algorithm(Algorithm algorithm) {
            if (algorithm == null) {
                throw new IllegalArgumentException("algorithm must not be null");
            }
            this.algorithm = algorithm;
            return this;
        }

        /** Bytes allowed in flight before the first round-trip sample: 2944 .. 1 MiB. Default 12 000. */
        public Builder initialWindowBytes(int bytes) {
            if (bytes < MIN_INITIAL_WINDOW || bytes > MAX_INITIAL_WINDOW) {
                throw new IllegalArgumentException("initialWindowBytes: " + MIN_INITIAL_WINDOW + ".."
                        + MAX_INITIAL_WINDOW + " expected, got " + bytes);
            }
            this.initialWindowBytes = bytes;
            return this;
        }

        /** Send-rate floor in bytes per second; 0 for none (the default). Must not exceed the ceiling. */
        public Builder minPacingRate(long bytesPerSecond) {
            this.minPacingRate = checkRate("minPacingRate", bytesPerSecond);
            return this;
        }

        /** Send-rate ceiling in bytes per second; 0 for none (the default). */
        public Builder maxPacingRate(long bytesPerSecond) {
            this.maxPacingRate = checkRate("maxPacingRate", bytesPerSecond);
            return this;
        }

        /**
         * Bytes that may leave back to back after a pause: 0 .. 64 KiB. Default 2944 (two datagrams). From a pacing
         * rate of 16 MB/s the pacer allows at least one millisecond of sending, up to 64 KiB.
         */
        public Builder pacingBurstBytes(int bytes) {
            if (bytes < 0 || bytes > 65_536) {
                throw new IllegalArgumentException("pacingBurstBytes: 0..65536 expected, got " + bytes);
            }
            this.pacingBurstBytes = bytes;
            return this;
        }

        /** Loss fraction over recent round trips that counts as congestion: 0.01 .. 0.5. Default 0.45. */
        public Builder lossThreshold(double fraction) {
            if (!(fraction >= 0.01 && fraction <= 0.5)) {
                throw new IllegalArgumentException("lossThreshold: 0.01..0.5 expected, got " + fraction);
            }
            this.lossThreshold = fraction;
            return this;
        }

        /** @throws IllegalArgumentException if the floor is above the ceiling */
        public CongestionConfig build() {
            if (minPacingRate != 0 && maxPacingRate != 0 && minPacingRate > maxPacingRate) {
                throw new IllegalArgumentException("minPacingRate (" + minPacingRate
                        + ") must not exceed maxPacingRate (" + maxPacingRate + ")");
            }
            return new CongestionConfig(this);
        }

        private static long checkRate(String name, long bytesPerSecond) {
            // 1 KB/s is below any useful rate; 1 TB/s is far above any path and keeps the arithmetic in range.
            if (bytesPerSecond != 0 && (bytesPerSecond < 1_000 || bytesPerSecond > 1_000_000_000_000L)) {
                throw new IllegalArgumentException(name + ": 0 (none) or 1000..10^12 bytes per second expected, got "
                        + bytesPerSecond);
            }
            return bytesPerSecond;
        }
    }
}
