package io.udpnet.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.udpnet.transport.DatagramDropReason;
import io.udpnet.transport.ServerStats;
import io.udpnet.transport.UdpServer;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Meters of a raw {@link UdpServer}, named {@code udpnet.raw.*}: sessions, datagrams and bytes each way, drops by
 * reason (every {@link DatagramDropReason}, and the sockets' own), socket errors. Every meter has a fixed set of
 * tags; sessions get no meters of their own.
 */
public final class UdpServerMetrics implements MeterBinder {
    private final UdpServer server;
    private final Tags tags;

    /**
     * Creates a binder.
     *
     * @param server the server to observe
     * @param tags   tags added to every meter
     */
    public UdpServerMetrics(UdpServer server, Iterable<Tag> tags) {
        this.server = Objects.requireNonNull(server, "server");
        this.tags = Tags.of(tags);
    }

    /**
     * Creates a binder with no extra tags.
     *
     * @param server the server to observe
     */
    public UdpServerMetrics(UdpServer server) {
        this(server, Tags.empty());
    }

    @Override
    public void bindTo(MeterRegistry r) {
        // The raw server's counters are plain adders: reading them is cheap, so no snapshot is kept.
        StatsCache<ServerStats> s = new StatsCache<>(server::stats, Duration.ZERO);
        Gauge.builder("udpnet.raw.sessions", server, UdpServer::sessionCount).tags(tags)
                .description("sessions open").register(r);
        SocketMeters.counter(r, "udpnet.raw.sessions.opened", server, s, ServerStats::sessionsOpened, tags,
                "sessions created", null);
        SocketMeters.counter(r, "udpnet.raw.sessions.closed", server, s, ServerStats::sessionsClosed, tags,
                "sessions closed", null);
        for (DatagramDropReason reason : DatagramDropReason.values()) {
            SocketMeters.counter(r, "udpnet.raw.drops", server, s, x -> x.drops(reason),
                    tags.and("reason", reason.name().toLowerCase(Locale.ROOT)), "datagrams dropped, by reason", null);
        }
        SocketMeters.bind(r, "udpnet.raw", "udpnet.raw.drops", server,
                new StatsCache<>(server::socketStats, Duration.ZERO), tags);
    }
}
