package io.udpnet.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.udpnet.dtls.DtlsStats;
import io.udpnet.transport.DatagramDropReason;
import io.udpnet.transport.ServerStats;
import io.udpnet.transport.UdpServer;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Meters of a raw {@link UdpServer}, named {@code udpnet.raw.*}: sessions, datagrams and bytes each way, drops by
 * reason (every {@link DatagramDropReason}, and the sockets' own), socket errors, and on a DTLS server
 * {@code udpnet.raw.dtls.*}: HelloVerifyRequests, handshakes by outcome, handshakes running, engines alive. Every
 * meter has a fixed set of tags; sessions get no meters of their own.
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
        if (server.dtlsStats().isPresent()) {
            bindDtls(r, new StatsCache<>(() -> server.dtlsStats().orElseThrow(), Duration.ZERO));
        }
    }

    /** The cookie and handshake meters of a DTLS server (its DTLS drops are {@code udpnet.raw.drops} reasons). */
    private void bindDtls(MeterRegistry r, StatsCache<DtlsStats> d) {
        SocketMeters.counter(r, "udpnet.raw.dtls.hello.verify.requests", server, d,
                DtlsStats::helloVerifyRequestsSent, tags, "HelloVerifyRequests sent to cookieless ClientHellos", null);
        String bytes = "bytes of the HelloVerifyRequests (out) and of the ClientHellos they answered (in)";
        SocketMeters.counter(r, "udpnet.raw.dtls.hello.verify.bytes", server, d, DtlsStats::helloVerifyBytesSent,
                tags.and("direction", "out"), bytes, BaseUnits.BYTES);
        SocketMeters.counter(r, "udpnet.raw.dtls.hello.verify.bytes", server, d,
                DtlsStats::helloVerifyBytesAnswered, tags.and("direction", "in"), bytes, BaseUnits.BYTES);
        handshakes(r, d, "started", DtlsStats::handshakesStarted);
        handshakes(r, d, "completed", DtlsStats::handshakesCompleted);
        handshakes(r, d, "failed", DtlsStats::handshakesFailed);
        handshakes(r, d, "refused", DtlsStats::handshakesRefused);
        Gauge.builder("udpnet.raw.dtls.handshakes.in.progress", server, x -> d.get().handshakesInProgress())
                .tags(tags).description("DTLS handshakes running").register(r);
        Gauge.builder("udpnet.raw.dtls.engines", server, x -> d.get().enginesAlive()).tags(tags)
                .description("SSLEngines alive (handshakes in progress and open sessions)").register(r);
    }

    private void handshakes(MeterRegistry r, StatsCache<DtlsStats> d, String outcome, ToDoubleFunction<DtlsStats> f) {
        SocketMeters.counter(r, "udpnet.raw.dtls.handshakes", server, d, f, tags.and("outcome", outcome),
                "DTLS handshakes, by outcome", null);
    }
}
