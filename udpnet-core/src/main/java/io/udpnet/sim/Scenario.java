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
 * A ready-made traffic test: a client connects to a server through a simulated link with the given impairments in
 * both directions, then streams {@code messages} self-checking messages ({@link MessagePattern}) on one channel of
 * the chosen delivery mode; the server's {@link DeliveryLedger} checks every guarantee. Deterministic for a seed.
 *
 * <pre>{@code
 * ScenarioReport r = Scenario.builder().delivery(Delivery.RELIABLE_ORDERED).messages(1000).sizes(32, 5000)
 *         .link(LinkConfig.builder().loss(0.05).latency(Duration.ofMillis(25)).build()).seed(7).build().run();
 * }</pre>
 */
public final class Scenario {
    static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 40001);
    static final InetSocketAddress RECEIVER = new InetSocketAddress("127.0.0.2", 40002);

    private final Delivery delivery;
    private final int messages;
    private final int[] sizes;
    private final LinkConfig link;
    private final long seed;
    private final ConnectionConfig config;
    private final long timeLimitNanos;

    private Scenario(Builder b) {
        this.delivery = b.delivery;
        this.messages = b.messages;
        this.sizes = b.sizes.clone();
        this.link = b.link;
        this.seed = b.seed;
        this.config = b.config.toBuilder().channels(b.delivery).build();
        this.timeLimitNanos = b.timeLimit.toNanos();
        for (int s : sizes) {
            if (s < MessagePattern.MIN_SIZE || s > config.maxMessageSize()) {
                throw new IllegalArgumentException("message sizes must be " + MessagePattern.MIN_SIZE + ".."
                        + config.maxMessageSize() + " bytes, got " + s);
            }
            if (!delivery.isReliable() && fragments(s) > config.maxUnreliableFragments()) {
                throw new IllegalArgumentException("a " + s + "-byte message needs " + fragments(s)
                        + " fragments; " + delivery + " allows at most " + config.maxUnreliableFragments());
            }
        }
    }

    private int fragments(int size) {
        return size <= config.maxWholePayload() ? 1
                : (size + config.maxFragmentPayload() - 1) / config.maxFragmentPayload();
    }

    /** A builder with the defaults: 1,000 reliable-ordered 32-byte messages over a perfect link, seed 1. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the scenario to completion or to its time limit: the sender connects to a {@link ServerEndpoint} through
     * the impaired link (the real handshake), streams its messages, and the server side checks them.
     */
    public ScenarioReport run() {
        Simulation sim = new Simulation(seed);
        DeliveryLedger ledger = new DeliveryLedger(sizes);
        Connection[] receiver = new Connection[1];
        ServerEndpoint server = new ServerEndpoint(config, ServerEndpointConfig.defaults(), (from, payload) ->
                Admission.accept(new ConnectionListener() {
                    @Override
                    public void onMessage(int channel, ByteBuffer buffer, int offset, int length) {
                        ledger.onMessage(channel, buffer, offset, length);
                    }

                    @Override
                    public void onConnected(Connection connection) {
                        receiver[0] = connection;
                    }
                }), new SplittableRandom(seed));
        Sender sender = new Sender(Connection.connect(config, ByteBuffer.allocate(0), (c, b, o, l) -> { },
                new SplittableRandom(~seed), 0));
        sim.addNode(SENDER, sender);
        sim.addNode(RECEIVER, new ServerEndpointNode(server));
        sim.linkBoth(SENDER, RECEIVER, link);
        sim.schedule(0, () -> { });
        Connection s = sender.connection();
        boolean finished = sim.runUntil(() -> s.state() == Connection.State.CLOSED || (delivery.isReliable()
                ? ledger.delivered() == messages
                : sender.next == messages && s.queuedMessages(0) == 0 && s.datagramsInFlight() == 0),
                timeLimitNanos);
        boolean completed = finished && s.state() == Connection.State.CONNECTED;
        long receiverDatagrams = receiver[0] == null ? 0 : receiver[0].stats().datagramsSent();
        return new ScenarioReport(delivery, seed, s.stats().messagesSent(), ledger.delivered(),
                ledger.deliveredBytes(), ledger.duplicates(), ledger.outOfOrder(), ledger.corrupted(),
                s.stats().datagramsSent() + receiverDatagrams, s.stats().retransmissions(),
                sim.nowNanos() / 1e6, completed, !finished, s.stats().smoothedRttNanos() / 1e6,
                s.handshakeNanos() < 0 ? -1 : s.handshakeNanos() / 1e6, s.congestionWindow());
    }

    /** Sends pattern messages as fast as the connection accepts them. */
    private final class Sender extends ConnectionNode {
        private final ByteBuffer message = ByteBuffer.allocate(Math.max(MessagePattern.MIN_SIZE, maxSize()));
        int next;

        Sender(Connection connection) {
            super(connection, RECEIVER);
        }

        @Override
        protected void beforeTransmit(long nowNanos) {
            while (next < messages) {
                MessagePattern.fill(message, next, sizes[next % sizes.length]);
                if (!connection().send(0, message)) {
                    return;
                }
                next++;
            }
        }
    }

    private int maxSize() {
        int max = 0;
        for (int s : sizes) {
            max = Math.max(max, s);
        }
        return max;
    }

    /** Builds a {@link Scenario}; every setting has a default. */
    public static final class Builder {
        private Delivery delivery = Delivery.RELIABLE_ORDERED;
        private int messages = 1000;
        private int[] sizes = {32};
        private LinkConfig link = LinkConfig.PERFECT;
        private long seed = 1;
        private ConnectionConfig config = ConnectionConfig.builder().connectTimeout(Duration.ofMinutes(1))
                .idleTimeout(Duration.ofMinutes(1)).build();
        private Duration timeLimit = Duration.ofMinutes(10);

        private Builder() {
        }

        /** The delivery mode of the one channel the scenario uses. */
        public Builder delivery(Delivery delivery) {
            this.delivery = Objects.requireNonNull(delivery, "delivery");
            return this;
        }

        /** Number of messages, 1 .. 100,000,000. */
        public Builder messages(int messages) {
            if (messages < 1 || messages > 100_000_000) {
                throw new IllegalArgumentException("messages: 1..100000000 expected, got " + messages);
            }
            this.messages = messages;
            return this;
        }

        /** Message sizes in bytes, used in turn (at least 4 bytes each). */
        public Builder sizes(int... sizes) {
            if (sizes.length == 0) {
                throw new IllegalArgumentException("sizes: at least one size expected");
            }
            this.sizes = sizes.clone();
            return this;
        }

        /** Impairments of the link, applied in both directions. */
        public Builder link(LinkConfig link) {
            this.link = Objects.requireNonNull(link, "link");
            return this;
        }

        /** The seed of every random draw: the same seed replays the same run. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Connection settings; the channel list is replaced by one channel of the chosen delivery mode. Default: the
         * library's defaults with one-minute connect and idle time-outs, since a scenario is about delivery, and a
         * very lossy link can take a while to carry the handshake or a probe.
         */
        public Builder connection(ConnectionConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Most simulated time the run may take. Default 10 minutes. */
        public Builder timeLimit(Duration limit) {
            if (limit.isNegative() || limit.isZero()) {
                throw new IllegalArgumentException("timeLimit must be positive, got " + limit);
            }
            this.timeLimit = limit;
            return this;
        }

        /** The scenario the builder describes. */
        public Scenario build() {
            return new Scenario(this);
        }
    }
}
