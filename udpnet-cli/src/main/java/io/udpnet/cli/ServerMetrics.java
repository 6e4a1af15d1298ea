package io.udpnet.cli;

import io.udpnet.engine.ConnectionStats;
import io.udpnet.engine.EndpointStats;
import io.udpnet.io.IoStats;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerStats;
import io.udpnet.transport.DatagramDropReason;
import io.udpnet.transport.ServerStats;
import io.udpnet.transport.UdpServer;

import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * The {@code server} command's counters as a Prometheus page, named like udpnet-micrometer's meters. Written here
 * from the stats records rather than through Micrometer, so that the CLI jar carries no metrics library. Every metric
 * has a fixed set of labels: nothing is labelled per client, so the series do not grow with the clients.
 */
final class ServerMetrics {
    private final LongAdder closedRetransmissions = new LongAdder();
    private final LongAdder closedLost = new LongAdder();

    /** A connection ended: its final counters stay in the totals. */
    void closed(MessageConnection c) {
        ConnectionStats s = c.stats();
        closedRetransmissions.add(s.retransmissions());
        closedLost.add(s.datagramsLost());
    }

    /** The page for a message server whose open connections are {@code online}. */
    String page(MessageServer server, Collection<MessageConnection> online) {
        MessageServerStats s = server.stats();
        PrometheusText p = new PrometheusText();
        p.metric("udpnet_server_info", "gauge", "The server's I/O implementation and strategy.")
                .sample(1, "io", s.sockets().io(), "mode", server.mode().name().toLowerCase(Locale.ROOT));
        p.single("udpnet_server_connections", "gauge", "Connections open.", s.connections());
        p.single("udpnet_server_connections_opened_total", "counter", "Connections established.", s.accepted());
        p.single("udpnet_server_connections_closed_total", "counter", "Connections ended.", s.closed());
        p.single("udpnet_server_inbox_bytes", "gauge", "Bytes of messages waiting to be received.", s.inboxBytes());
        p.metric("udpnet_server_handshakes_total", "counter", "Handshake steps, by outcome.")
                .sample(sum(s, EndpointStats::challenges), "outcome", "challenged")
                .sample(sum(s, EndpointStats::accepted), "outcome", "accepted")
                .sample(sum(s, EndpointStats::rejected), "outcome", "rejected");
        p.single("udpnet_server_unreachable_total", "counter",
                "ICMP errors that named a connection's peer unreachable.", s.unreachable());
        sockets(p, "udpnet_server", s.sockets());
        p.metric("udpnet_server_drops_total", "counter", "Datagrams dropped, by reason.")
                .sample(s.inboxDrops(), "reason", "inbox_full")
                .sample(s.forwardDrops(), "reason", "forward_queue")
                .sample(s.sockets().oversize(), "reason", "oversize")
                .sample(s.sockets().sendDrops(), "reason", "send_buffer")
                .sample(s.sockets().socketDrops(), "reason", "socket")
                .sample(sum(s, EndpointStats::badCookies), "reason", "bad_cookie")
                .sample(sum(s, EndpointStats::replayedCookies), "reason", "replayed_cookie")
                .sample(sum(s, EndpointStats::rateLimited), "reason", "rate_limited")
                .sample(sum(s, EndpointStats::malformed), "reason", "malformed")
                .sample(sum(s, EndpointStats::unknownToken), "reason", "unknown_token");
        long retransmissions = closedRetransmissions.sum();
        long lost = closedLost.sum();
        double min = Double.NaN;
        double max = Double.NaN;
        double total = 0;
        int withRtt = 0;
        for (MessageConnection c : online) {
            ConnectionStats cs = c.stats();
            retransmissions += cs.retransmissions();
            lost += cs.datagramsLost();
            if (cs.smoothedRttNanos() > 0) {
                double rtt = cs.smoothedRttNanos() / 1e9;
                min = withRtt == 0 ? rtt : Math.min(min, rtt);
                max = withRtt == 0 ? rtt : Math.max(max, rtt);
                total += rtt;
                withRtt++;
            }
        }
        p.single("udpnet_connection_retransmissions_total", "counter", "Packets the server's connections sent again.",
                retransmissions);
        p.single("udpnet_connection_datagrams_lost_total", "counter",
                "Datagrams the server's connections declared lost.", lost);
        p.metric("udpnet_connection_rtt_seconds", "gauge", "Smoothed round-trip time over the open connections.")
                .sample(min, "statistic", "min")
                .sample(withRtt == 0 ? Double.NaN : total / withRtt, "statistic", "mean")
                .sample(max, "statistic", "max");
        return p.toString();
    }

    /** The page for a raw server. */
    String page(UdpServer server) {
        ServerStats s = server.stats();
        IoStats io = server.socketStats();
        PrometheusText p = new PrometheusText();
        p.metric("udpnet_raw_info", "gauge", "The server's I/O implementation and strategy.")
                .sample(1, "io", io.io(), "mode", server.mode().name().toLowerCase(Locale.ROOT));
        p.single("udpnet_raw_sessions", "gauge", "Sessions open.", server.sessionCount());
        p.single("udpnet_raw_sessions_opened_total", "counter", "Sessions created.", s.sessionsOpened());
        p.single("udpnet_raw_sessions_closed_total", "counter", "Sessions closed.", s.sessionsClosed());
        sockets(p, "udpnet_raw", io);
        p.metric("udpnet_raw_drops_total", "counter", "Datagrams dropped, by reason.");
        for (DatagramDropReason r : DatagramDropReason.values()) {
            p.sample(s.drops(r), "reason", r.name().toLowerCase(Locale.ROOT));
        }
        p.sample(io.sendDrops(), "reason", "send_buffer").sample(io.socketDrops(), "reason", "socket");
        return p.toString();
    }

    private static void sockets(PrometheusText p, String prefix, IoStats io) {
        p.metric(prefix + "_datagrams_total", "counter", "Datagrams through the sockets, by direction.")
                .sample(io.datagramsIn(), "direction", "in").sample(io.datagramsOut(), "direction", "out");
        p.metric(prefix + "_bytes_total", "counter", "UDP payload bytes through the sockets, by direction.")
                .sample(io.bytesIn(), "direction", "in").sample(io.bytesOut(), "direction", "out");
        p.metric(prefix + "_errors_total", "counter", "Socket errors, by kind.")
                .sample(io.sendErrors(), "kind", "send").sample(io.receiveErrors(), "kind", "receive")
                .sample(io.pathErrors(), "kind", "path").sample(io.handlerErrors(), "kind", "handler");
    }

    private static long sum(MessageServerStats s, ToLongFunction<EndpointStats> f) {
        long n = 0;
        for (EndpointStats e : s.endpoints()) {
            n += f.applyAsLong(e);
        }
        return n;
    }
}
