package io.udpnet.sim;

import io.udpnet.impair.DatagramPool;
import io.udpnet.impair.Link;
import io.udpnet.impair.LinkConfig;
import io.udpnet.impair.LinkStats;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The directed links of a {@link Simulation}, one per ordered pair of addresses, made on first use with the default
 * configuration, and the shared {@link Bottleneck}s routes wait in. Each link draws from a random stream of its own,
 * derived from the simulation's seed and its two addresses only. Not thread-safe, like the simulation.
 */
final class LinkTable {
    /** A directed pair of addresses, the key of a link. */
    private record Route(InetSocketAddress from, InetSocketAddress to) {
    }

    private final long seed;
    /** Where links take the arrays of the copies they hold; the simulation gives them back once delivered. */
    private final DatagramPool pool;
    private final Map<Route, Link> links = new HashMap<>();
    private final Map<Route, Bottleneck> bottlenecks = new HashMap<>();
    private LinkConfig defaultLink = LinkConfig.PERFECT;

    LinkTable(long seed, DatagramPool pool) {
        this.seed = seed;
        this.pool = pool;
    }

    /** Gives the direction {@code from} to {@code to} a configuration of its own. */
    void configure(InetSocketAddress from, InetSocketAddress to, LinkConfig config) {
        Objects.requireNonNull(config, "config");
        link(from, to).configure(config, true);
    }

    /** Sets the configuration of every direction without one of its own, those that carried datagrams included. */
    void setDefault(LinkConfig config) {
        defaultLink = Objects.requireNonNull(config, "config");
        for (Link link : links.values()) {
            if (!link.isExplicit()) {
                link.configure(config, false);
            }
        }
    }

    LinkConfig defaultLink() {
        return defaultLink;
    }

    /** The configuration applied to datagrams from {@code from} to {@code to}. */
    LinkConfig config(InetSocketAddress from, InetSocketAddress to) {
        Link link = links.get(route(from, to));
        return link == null ? defaultLink : link.config();
    }

    /** The counters of one direction; all zero if it never carried any. */
    LinkStats stats(InetSocketAddress from, InetSocketAddress to) {
        Link link = links.get(route(from, to));
        return link == null ? LinkStats.ZERO : link.stats();
    }

    /** The counters of every link added together. */
    LinkStats total() {
        LinkStats total = LinkStats.ZERO;
        for (Link link : links.values()) {
            total = total.plus(link.stats());
        }
        return total;
    }

    /** Makes one direction wait in {@code bottleneck}; null detaches it. */
    void routeThrough(InetSocketAddress from, InetSocketAddress to, Bottleneck bottleneck) {
        if (bottleneck == null) {
            bottlenecks.remove(route(from, to));
        } else {
            bottlenecks.put(route(from, to), bottleneck);
        }
    }

    /** @return the bottleneck the direction waits in, or null */
    Bottleneck bottleneck(InetSocketAddress from, InetSocketAddress to) {
        return bottlenecks.isEmpty() ? null : bottlenecks.get(route(from, to));
    }

    /** The link of one direction, made with the default configuration on first use. */
    Link link(InetSocketAddress from, InetSocketAddress to) {
        return links.computeIfAbsent(route(from, to),
                r -> new Link(Link.seedFor(seed, r.from(), r.to()), r.from(), r.to(), defaultLink, false, pool));
    }

    private static Route route(InetSocketAddress from, InetSocketAddress to) {
        return new Route(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"));
    }
}
