package io.udpnet.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.udpnet.engine.EndpointStats;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerStats;

import java.time.Duration;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Meters of a {@link MessageServer}, named {@code udpnet.server.*}: connections, handshakes, datagrams and bytes each
 * way, drops by reason, socket errors, and, over the connections given to {@link #track}, retransmissions, losses and
 * RTT ({@code udpnet.connection.*}).
 *
 * <pre>{@code
 * MessageServerMetrics metrics = new MessageServerMetrics(server, Tags.of("server", "chat"));
 * metrics.bindTo(registry);
 * MessageConnection c = server.accept();
 * metrics.track(c);
 * }</pre>
 *
 * <p>Every server-wide meter has a fixed set of tags, so the number of time series does not grow with the clients.
 * Meters per connection (tagged with the peer's {@code remote} address) exist only for the first
 * {@link #perConnectionMeters(int)} tracked connections open at a time, none by default: peer addresses are unbounded
 * (every NAT rebinding is a new one), and a registry keeps every series it ever saw.
 *
 * <p>A scrape reads many meters; they share one snapshot of the server's counters, taken again when older than
 * {@link #refreshInterval(Duration)} (1 s by default), because a snapshot asks every I/O thread for its counters.
 */
public final class MessageServerMetrics implements MeterBinder {
    private final MessageServer server;
    private final Tags tags;
    private Duration refresh = Duration.ofSeconds(1);
    private int perConnection;
    private ConnectionTracker tracker;

    /**
     * Creates a binder.
     *
     * @param server the server to observe
     * @param tags   tags added to every meter (e.g. which server this is)
     */
    public MessageServerMetrics(MessageServer server, Iterable<Tag> tags) {
        this.server = Objects.requireNonNull(server, "server");
        this.tags = Tags.of(tags);
    }

    /**
     * Creates a binder with no extra tags.
     *
     * @param server the server to observe
     */
    public MessageServerMetrics(MessageServer server) {
        this(server, Tags.empty());
    }

    /**
     * How old the shared snapshot of the counters may be when a meter is read. Set before {@link #bindTo}.
     *
     * @param interval zero: a fresh snapshot for every meter read
     * @return this
     */
    public MessageServerMetrics refreshInterval(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("negative refresh interval: " + interval);
        }
        this.refresh = interval;
        return this;
    }

    /**
     * Meters of their own for up to {@code max} tracked connections at a time, tagged with the peer's address. Set
     * before {@link #bindTo}.
     *
     * @param max 0 (the default) to 1000
     * @return this
     */
    public MessageServerMetrics perConnectionMeters(int max) {
        if (max < 0 || max > 1000) {
            throw new IllegalArgumentException("perConnectionMeters: 0..1000 expected, got " + max);
        }
        this.perConnection = max;
        return this;
    }

    /**
     * Adds a connection to the {@code udpnet.connection.*} meters until it closes. The server keeps no list of its
     * connections that a binder could read, so the application hands them over: from {@code accept()}, or in
     * {@code MessageConnectionListener.onConnected}. Thread-safe; a second call for the same connection does nothing.
     *
     * @param connection a connection of this server
     */
    public void track(MessageConnection connection) {
        tracker().track(Objects.requireNonNull(connection, "connection"));
    }

    private synchronized ConnectionTracker tracker() {
        if (tracker == null) {
            tracker = new ConnectionTracker("udpnet.connection", perConnection, refresh);
        }
        return tracker;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        StatsCache<MessageServerStats> s = new StatsCache<>(server::stats, refresh);
        Gauge.builder("udpnet.server.connections", server, MessageServer::connectionCount).tags(tags)
                .description("connections open").register(r);
        Gauge.builder("udpnet.server.inbox.bytes", server, x -> s.get().inboxBytes()).tags(tags)
                .baseUnit(BaseUnits.BYTES).description("bytes of messages waiting to be received").register(r);
        Gauge.builder("udpnet.server.receive.memory", server, x -> endpoints(s, EndpointStats::receiveMemoryHeld))
                .tags(tags).baseUnit(BaseUnits.BYTES)
                .description("bytes the connections hold for reassembly and reordering").register(r);
        SocketMeters.counter(r, "udpnet.server.connections.opened", server, s, MessageServerStats::accepted, tags,
                "connections established", null);
        SocketMeters.counter(r, "udpnet.server.connections.closed", server, s, MessageServerStats::closed, tags,
                "connections ended", null);
        SocketMeters.counter(r, "udpnet.server.handshakes", server, s, x -> sum(x, EndpointStats::challenges),
                tags.and("outcome", "challenged"), "handshake steps, by outcome", null);
        SocketMeters.counter(r, "udpnet.server.handshakes", server, s, x -> sum(x, EndpointStats::accepted),
                tags.and("outcome", "accepted"), "handshake steps, by outcome", null);
        SocketMeters.counter(r, "udpnet.server.handshakes", server, s, x -> sum(x, EndpointStats::rejected),
                tags.and("outcome", "rejected"), "handshake steps, by outcome", null);
        SocketMeters.counter(r, "udpnet.server.migrations", server, s, x -> sum(x, EndpointStats::migrations), tags,
                "connections that moved to a new client address", null);
        SocketMeters.counter(r, "udpnet.server.unreachable", server, s, MessageServerStats::unreachable, tags,
                "ICMP errors that named a connection's peer unreachable", null);
        SocketMeters.counter(r, "udpnet.server.forwarded", server, s, MessageServerStats::forwarded, tags,
                "datagrams handed to the shard owning their connection", null);
        drop(r, s, "inbox_full", MessageServerStats::inboxDrops);
        drop(r, s, "forward_queue", MessageServerStats::forwardDrops);
        drop(r, s, "oversize", x -> x.sockets().oversize());
        drop(r, s, "bad_cookie", x -> sum(x, EndpointStats::badCookies));
        drop(r, s, "replayed_cookie", x -> sum(x, EndpointStats::replayedCookies));
        drop(r, s, "rate_limited", x -> sum(x, EndpointStats::rateLimited));
        drop(r, s, "reply_overflow", x -> sum(x, EndpointStats::replyOverflow));
        drop(r, s, "malformed", x -> sum(x, EndpointStats::malformed));
        drop(r, s, "foreign", x -> sum(x, EndpointStats::foreign));
        drop(r, s, "unknown_token", x -> sum(x, EndpointStats::unknownToken));
        drop(r, s, "address_mismatch", x -> sum(x, EndpointStats::addressMismatch));
        SocketMeters.bind(r, "udpnet.server", "udpnet.server.drops", server, new StatsCache<>(() -> s.get().sockets(),
                Duration.ZERO), tags);
        tracker().bindTo(r, tags);
    }

    private void drop(MeterRegistry r, StatsCache<MessageServerStats> s, String reason,
                      ToLongFunction<MessageServerStats> value) {
        SocketMeters.counter(r, "udpnet.server.drops", server, s, x -> value.applyAsLong(x), tags.and("reason", reason),
                "datagrams dropped, by reason", null);
    }

    private static double endpoints(StatsCache<MessageServerStats> s, ToLongFunction<EndpointStats> f) {
        return sum(s.get(), f);
    }

    private static long sum(MessageServerStats x, ToLongFunction<EndpointStats> f) {
        long n = 0;
        for (EndpointStats e : x.endpoints()) {
            n += f.applyAsLong(e);
        }
        return n;
    }
}
