package io.udpnet.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageConnection;

import java.time.Duration;
import java.util.Objects;

/**
 * Meters of a {@link MessageClient}: {@code udpnet.client.connections}, {@code udpnet.client.drops} and, over the
 * connections given to {@link #track}, the {@code udpnet.client.connection.*} retransmissions, losses and RTT (see
 * {@link MessageServerMetrics} for why per-peer meters are capped).
 */
public final class MessageClientMetrics implements MeterBinder {
    private final MessageClient client;
    private final Tags tags;
    private final ConnectionTracker tracker;

    /**
     * Creates a binder.
     *
     * @param client              the client to observe
     * @param tags                tags added to every meter
     * @param perConnectionMeters meters of their own for up to this many tracked connections at a time (0..1000)
     */
    public MessageClientMetrics(MessageClient client, Iterable<Tag> tags, int perConnectionMeters) {
        if (perConnectionMeters < 0 || perConnectionMeters > 1000) {
            throw new IllegalArgumentException("perConnectionMeters: 0..1000 expected, got " + perConnectionMeters);
        }
        this.client = Objects.requireNonNull(client, "client");
        this.tags = Tags.of(tags);
        this.tracker = new ConnectionTracker("udpnet.client.connection", perConnectionMeters, Duration.ofSeconds(1));
    }

    /**
     * Creates a binder with no extra tags.
     *
     * @param client the client to observe
     */
    public MessageClientMetrics(MessageClient client) {
        this(client, Tags.empty(), 0);
    }

    /**
     * Adds a connection to the {@code udpnet.client.connection.*} meters until it closes.
     *
     * @param connection a connection of this client
     */
    public void track(MessageConnection connection) {
        tracker.track(Objects.requireNonNull(connection, "connection"));
    }

    @Override
    public void bindTo(MeterRegistry r) {
        Gauge.builder("udpnet.client.connections", client, MessageClient::connectionCount).tags(tags)
                .description("connections open or being opened").register(r);
        FunctionCounter.builder("udpnet.client.drops", client, c -> c.stats().sendDrops())
                .tags(tags.and("reason", "send_buffer")).description("datagrams dropped, by reason").register(r);
        tracker.bindTo(r, tags);
    }
}
