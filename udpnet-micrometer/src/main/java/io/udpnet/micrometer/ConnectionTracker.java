package io.udpnet.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.udpnet.engine.ConnectionStats;
import io.udpnet.messaging.MessageConnection;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The connections a binder was given ({@code track}): their retransmissions and losses summed (the closed ones
 * included), their RTT as min, mean and max over those open, and, for the first few, meters of their own tagged
 * with the peer's address. Per-peer meters are capped because every peer address would be a new time series: a
 * server with churning clients would otherwise grow its registry without bound.
 */
final class ConnectionTracker {
    private final String prefix;
    private final int maxTagged;
    private final Map<MessageConnection, List<Meter.Id>> open = new ConcurrentHashMap<>();
    private final LongAdder closedRetransmissions = new LongAdder();
    private final LongAdder closedLost = new LongAdder();
    private final AtomicInteger tagged = new AtomicInteger();
    /** What the two counters last reported: a closing connection's count moves from the open sum to the closed one
     *  while the cached sum may still hold it, and a counter must never go down. */
    private final AtomicLong retransmissionsReported = new AtomicLong();
    private final AtomicLong lostReported = new AtomicLong();
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final StatsCache<Totals> totals;
    private Tags tags = Tags.empty();

    /** Sums over the open connections at one moment; RTTs in seconds, NaN when no connection has one. */
    private record Totals(long retransmissions, long lost, double minRtt, double meanRtt, double maxRtt) {
    }

    ConnectionTracker(String prefix, int maxTagged, Duration refresh) {
        this.prefix = prefix;
        this.maxTagged = maxTagged;
        this.totals = new StatsCache<>(this::sum, refresh);
    }

    void track(MessageConnection c) {
        if (open.putIfAbsent(c, new ArrayList<>()) != null) {
            return;
        }
        if (tagged.get() < maxTagged && tagged.incrementAndGet() <= maxTagged) {
            List<Meter.Id> ids = new ArrayList<>();
            for (MeterRegistry r : registries) {
                ids.addAll(bindPeer(r, c));
            }
            open.put(c, ids);
        } else if (maxTagged > 0) {
            tagged.updateAndGet(n -> Math.min(n, maxTagged));
        }
        c.closeFuture().whenComplete((reason, error) -> closed(c));
    }

    private void closed(MessageConnection c) {
        ConnectionStats s = c.stats();   // the final counters once closed
        closedRetransmissions.add(s.retransmissions());
        closedLost.add(s.datagramsLost());
        List<Meter.Id> ids = open.remove(c);
        if (ids != null && !ids.isEmpty()) {
            for (MeterRegistry r : registries) {
                ids.forEach(r::remove);
            }
            tagged.decrementAndGet();
        }
    }

    int tracked() {
        return open.size();
    }

    void bindTo(MeterRegistry r, Tags common) {
        this.tags = common;
        registries.add(r);
        Gauge.builder(prefix + ".tracked", this, ConnectionTracker::tracked).tags(common).strongReference(true)
                .description("connections given to the binder's track() and still open").register(r);
        FunctionCounter.builder(prefix + ".retransmissions", this, t -> t.retransmissionsReported.accumulateAndGet(
                        t.totals.get().retransmissions() + t.closedRetransmissions.sum(), Math::max)).tags(common)
                .description("packets sent again, over the tracked connections").register(r);
        FunctionCounter.builder(prefix + ".datagrams.lost", this, t -> t.lostReported.accumulateAndGet(
                        t.totals.get().lost() + t.closedLost.sum(), Math::max))
                .tags(common).description("datagrams declared lost, over the tracked connections").register(r);
        for (String statistic : new String[] {"min", "mean", "max"}) {
            Gauge.builder(prefix + ".rtt", this, t -> {
                        Totals x = t.totals.get();
                        return switch (statistic) {
                            case "min" -> x.minRtt();
                            case "mean" -> x.meanRtt();
                            default -> x.maxRtt();
                        };
                    }).tags(common.and("statistic", statistic)).baseUnit("seconds").strongReference(true)
                    .description("smoothed round-trip time over the open tracked connections").register(r);
        }
    }

    private List<Meter.Id> bindPeer(MeterRegistry r, MessageConnection c) {
        Tags peer = tags.and("remote", text(c.remoteAddress()));
        List<Meter.Id> ids = new ArrayList<>();
        ids.add(Gauge.builder(prefix + ".peer.rtt", c, m -> m.stats().smoothedRttNanos() / 1e9).tags(peer)
                .baseUnit("seconds").description("smoothed round-trip time of one connection").register(r)
                .getId());
        ids.add(Gauge.builder(prefix + ".peer.congestion.window", c, m -> m.stats().congestionWindow()).tags(peer)
                .baseUnit(BaseUnits.BYTES).description("congestion window of one connection").register(r).getId());
        ids.add(FunctionCounter.builder(prefix + ".peer.retransmissions", c, m -> m.stats().retransmissions())
                .tags(peer).description("packets one connection sent again").register(r).getId());
        ids.add(FunctionCounter.builder(prefix + ".peer.datagrams.lost", c, m -> m.stats().datagramsLost())
                .tags(peer).description("datagrams one connection declared lost").register(r).getId());
        return ids;
    }

    private Totals sum() {
        long retransmissions = 0;
        long lost = 0;
        double min = Double.NaN;
        double max = Double.NaN;
        double total = 0;
        int withRtt = 0;
        for (MessageConnection c : open.keySet()) {
            ConnectionStats s = c.stats();
            retransmissions += s.retransmissions();
            lost += s.datagramsLost();
            if (s.smoothedRttNanos() > 0) {
                double rtt = s.smoothedRttNanos() / 1e9;
                min = withRtt == 0 ? rtt : Math.min(min, rtt);
                max = withRtt == 0 ? rtt : Math.max(max, rtt);
                total += rtt;
                withRtt++;
            }
        }
        return new Totals(retransmissions, lost, min, withRtt == 0 ? Double.NaN : total / withRtt, max);
    }

    static String text(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
