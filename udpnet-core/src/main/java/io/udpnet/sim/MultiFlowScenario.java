package io.udpnet.sim;

import io.udpnet.impair.LinkConfig;
import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.ServerEndpointConfig;
import io.udpnet.engine.Admission;
import io.udpnet.engine.Connection;
import io.udpnet.engine.ConnectionListener;
import io.udpnet.engine.ServerEndpoint;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Several flows competing for one bottleneck: each flow is its own client connection to one server, always has
 * reliable-ordered messages to send, and its datagrams to the server wait in a shared {@link Bottleneck} before
 * taking the flow's own path (latency, random loss and other impairments, the same each way). Acks go back over
 * the flow's path without the bottleneck. Flow {@code i} starts {@code i x stagger} after the first.
 * Deterministic for a seed.
 *
 * <p>The report measures from the end of a warm-up to the end of the run: each flow's goodput (message bytes
 * delivered per second), Jain's fairness index over them, the bottleneck's use, queueing delay and drops.
 *
 * <pre>{@code
 * MultiFlowReport r = MultiFlowScenario.builder().flows(2).stagger(Duration.ofSeconds(2))
 *         .bottleneck(10_000_000, 62_500).path(LinkConfig.builder().latency(Duration.ofMillis(25)).build())
 *         .duration(Duration.ofSeconds(30)).warmup(Duration.ofSeconds(10)).seed(1).build().run();
 * }</pre>
 */
public final class MultiFlowScenario {
    /** Width of the buckets the per-flow goodput is counted in. */
    static final long BUCKET_NANOS = 100_000_000L;
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.2", 40002);
    private static final int FIRST_CLIENT_PORT = 41001;

    private final int flows;
    private final long staggerNanos;
    private final long durationNanos;
    private final long warmupNanos;
    private final long bottleneckBits;
    private final int queueBytes;
    private final LinkConfig path;
    private final int messageSize;
    private final ConnectionConfig config;
    private final long seed;

    private MultiFlowScenario(Builder b) {
        this.flows = b.flows;
        this.staggerNanos = b.stagger.toNanos();
        this.durationNanos = b.duration.toNanos();
        this.warmupNanos = b.warmup.toNanos();
        this.bottleneckBits = b.bottleneckBits;
        this.queueBytes = b.queueBytes;
        this.path = b.path;
        this.messageSize = b.messageSize;
        this.config = b.config.toBuilder().channels(Delivery.RELIABLE_ORDERED).build();
        this.seed = b.seed;
        if (warmupNanos >= durationNanos) {
            throw new IllegalArgumentException("warmup (" + b.warmup + ") must be shorter than the duration ("
                    + b.duration + ")");
        }
        if (messageSize > config.maxMessageSize()) {
            throw new IllegalArgumentException("message size must be 1.." + config.maxMessageSize() + ", got "
                    + messageSize);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs every flow for the configured duration and measures the time after the warm-up. */
    public MultiFlowReport run() {
        Simulation sim = new Simulation(seed);
        int buckets = (int) ((durationNanos + BUCKET_NANOS - 1) / BUCKET_NANOS);
        long[][] delivered = new long[flows][buckets];
        ServerEndpoint server = new ServerEndpoint(config, ServerEndpointConfig.defaults(), (from, payload) -> {
            int flow = from.getPort() - FIRST_CLIENT_PORT;
            return Admission.accept(new ConnectionListener() {
                @Override
                public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
                    int b = (int) (sim.nowNanos() / BUCKET_NANOS);
                    if (b < buckets) {
                        delivered[flow][b] += length;
                    }
                }
            });
        }, new SplittableRandom(seed));
        sim.addNode(SERVER, new ServerEndpointNode(server));
        Bottleneck bottleneck = sim.addBottleneck(bottleneckBits, queueBytes);
        BulkSender[] senders = new BulkSender[flows];
        for (int i = 0; i < flows; i++) {
            int flow = i;
            InetSocketAddress client = new InetSocketAddress("127.0.0.1", FIRST_CLIENT_PORT + i);
            sim.linkBoth(client, SERVER, path);
            sim.routeThrough(client, SERVER, bottleneck);
            long start = i * staggerNanos;
            sim.schedule(start, () -> {
                senders[flow] = new BulkSender(Connection.connect(config, ByteBuffer.allocate(0),
                        (c, b, o, l) -> { }, new SplittableRandom(seed * 31 + flow), sim.nowNanos()));
                sim.addNode(client, senders[flow]);
            });
        }
        sim.schedule(warmupNanos, bottleneck::resetCounters);
        sim.runFor(durationNanos);

        long window = durationNanos - warmupNanos;
        MultiFlowReport.Flow[] results = new MultiFlowReport.Flow[flows];
        for (int i = 0; i < flows; i++) {
            long start = i * staggerNanos;
            long bytes = 0;
            for (int b = (int) (warmupNanos / BUCKET_NANOS); b < buckets; b++) {
                bytes += delivered[i][b];
            }
            Connection c = senders[i] == null ? null : senders[i].connection();
            results[i] = new MultiFlowReport.Flow(start / 1e6, bytes * 8e9 / window,
                    perSecond(delivered[i]), convergedAfter(delivered, i, start),
                    c == null ? 0 : c.stats().retransmissions(), c == null ? 0 : c.congestionWindow());
        }
        return new MultiFlowReport(seed, config.congestion().algorithm().name(), bottleneckBits, queueBytes,
                path.latencyNanos() * 2 / 1e6, path.lossProbability(), durationNanos / 1e6, warmupNanos / 1e6,
                results, bottleneck.transmittedBytes() * 8e9 / window / bottleneckBits,
                bottleneck.queueDelayPercentile(0.5) / 1e6, bottleneck.queueDelayPercentile(0.9) / 1e6,
                bottleneck.queueDelayPercentile(0.99) / 1e6, bottleneck.queueDelayPercentile(1) / 1e6,
                bottleneck.drops());
    }

    /** Goodput of each whole second of the run, bits per second. */
    private static double[] perSecond(long[] buckets) {
        int perSecond = (int) (1_000_000_000L / BUCKET_NANOS);
        double[] out = new double[buckets.length / perSecond];
        for (int b = 0; b < out.length * perSecond; b++) {
            out[b / perSecond] += buckets[b] * 8.0;
        }
        return out;
    }

    /**
     * Milliseconds from a flow's start until, over a sliding second, it first gets at least 80% of the mean goodput
     * of the flows running through that whole second; -1 if it never does.
     */
    private long convergedAfter(long[][] delivered, int flow, long start) {
        int perSecond = (int) (1_000_000_000L / BUCKET_NANOS);
        int first = (int) ((start + BUCKET_NANOS - 1) / BUCKET_NANOS);
        for (int b = first; b + perSecond <= delivered[flow].length; b++) {
            long own = 0;
            long all = 0;
            int running = 0;
            for (int f = 0; f < flows; f++) {
                if (f * staggerNanos > b * BUCKET_NANOS) {
                    continue;
                }
                running++;
                for (int k = b; k < b + perSecond; k++) {
                    all += delivered[f][k];
                    own += f == flow ? delivered[f][k] : 0;
                }
            }
            if (all > 0 && own * running >= 0.8 * all) {
                return ((b + perSecond) * BUCKET_NANOS - start) / 1_000_000;
            }
        }
        return -1;
    }

    /** A client that always has another message queued: the path, not the application, limits its rate. */
    private final class BulkSender extends ConnectionNode {
        private final ByteBuffer message = ByteBuffer.allocate(messageSize);

        BulkSender(Connection connection) {
            super(connection, SERVER);
        }

        @Override
        protected void beforeTransmit(long nowNanos) {
            while (connection().state() != Connection.State.CLOSED && connection().send(0, message.clear())) {
                // Fill the send queue until it refuses.
            }
        }
    }

    /** Builds a {@link MultiFlowScenario}; every setting has a default. */
    public static final class Builder {
        private int flows = 2;
        private Duration stagger = Duration.ZERO;
        private Duration duration = Duration.ofSeconds(30);
        private Duration warmup = Duration.ofSeconds(10);
        private long bottleneckBits = 10_000_000;
        private int queueBytes = LinkConfig.DEFAULT_QUEUE_CAPACITY_BYTES;
        private LinkConfig path = LinkConfig.builder().latency(Duration.ofMillis(25)).build();
        private int messageSize = 1000;
        private ConnectionConfig config = ConnectionConfig.builder().connectTimeout(Duration.ofMinutes(1))
                .idleTimeout(Duration.ofMinutes(1)).build();
        private long seed = 1;

        private Builder() {
        }

        /** Number of flows, 1 .. 64. Default 2. */
        public Builder flows(int flows) {
            if (flows < 1 || flows > 64) {
                throw new IllegalArgumentException("flows: 1..64 expected, got " + flows);
            }
            this.flows = flows;
            return this;
        }

        /** Delay between the starts of successive flows. Default 0: all start together. */
        public Builder stagger(Duration stagger) {
            if (stagger.isNegative()) {
                throw new IllegalArgumentException("stagger must be >= 0, got " + stagger);
            }
            this.stagger = stagger;
            return this;
        }

        /** Length of the run, at most an hour. Default 30 s. */
        public Builder duration(Duration duration) {
            if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("duration: more than 0 and at most 1 h expected, got " + duration);
            }
            this.duration = duration;
            return this;
        }

        /** Time from the start not measured, a multiple of 100 ms. Default 10 s. */
        public Builder warmup(Duration warmup) {
            if (warmup.isNegative() || warmup.toNanos() % BUCKET_NANOS != 0) {
                throw new IllegalArgumentException("warmup must be >= 0 and a multiple of 100 ms, got " + warmup);
            }
            this.warmup = warmup;
            return this;
        }

        /** The shared bottleneck: its rate in bit/s and its queue in bytes. Default 10 Mbit/s, 64 KiB. */
        public Builder bottleneck(long bitsPerSecond, int queueBytes) {
            if (bitsPerSecond <= 0 || queueBytes < 1) {
                throw new IllegalArgumentException("bottleneck: rate > 0 and queue >= 1 byte expected, got "
                        + bitsPerSecond + " bit/s, " + queueBytes + " B");
            }
            this.bottleneckBits = bitsPerSecond;
            this.queueBytes = queueBytes;
            return this;
        }

        /** Each flow's own path, both ways (its bandwidth, if any, applies after the bottleneck). Default 25 ms. */
        public Builder path(LinkConfig path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /** Size of every message, bytes. Default 1000. */
        public Builder messageSize(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("messageSize must be >= 1, got " + bytes);
            }
            this.messageSize = bytes;
            return this;
        }

        /** Connection settings (congestion control among them); the channels become one reliable-ordered one. */
        public Builder connection(ConnectionConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public MultiFlowScenario build() {
            return new MultiFlowScenario(this);
        }
    }
}
