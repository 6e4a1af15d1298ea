package io.udpnet.bench;

import java.util.Locale;

/**
 * The targets of the comparison, stated as ratios measured in the same run (never asserted in a test): throughput
 * udpnet ≥ 2× Aeron and ≥ 1× the other reliable peers (ENet, KCP), bulk udpnet ≥ 0.8× raw, ping-pong p99 udpnet ≤
 * 1.5× raw, scale as in {@link #scale}. A target whose peers were not both measured is left out.
 */
final class Targets {
    private Targets() {
    }

    /** The targets that apply to {@code o}, as Markdown list items, or an empty string. */
    static String check(BenchRun.Outcome o) {
        PeerResult udpnet = find(o, "udpnet");
        return switch (o.scenario()) {
            case THROUGHPUT -> ratio("throughput: udpnet / aeron", udpnet, find(o, "aeron"), 2.0, true, false)
                    + ratio("throughput: udpnet / enet", udpnet, find(o, "enet"), 1.0, true, false)
                    + ratio("throughput: udpnet / kcp", udpnet, find(o, "kcp"), 1.0, true, false);
            case BULK -> ratio("bulk: udpnet / raw (MB/s)", udpnet, find(o, "raw"), 0.8, true, true);
            case PINGPONG -> ratio("pingpong: p99 udpnet / raw", udpnet, find(o, "raw"), 1.5, false, false);
            case LOSS, MODES -> "";
            case SCALE -> scale(o, udpnet);
        };
    }

    private static String ratio(String what, PeerResult a, PeerResult b, double target, boolean atLeast,
                                boolean bytes) {
        if (a == null || b == null) {
            return "";
        }
        double r;
        if (atLeast) {
            r = bytes ? a.megabytesPerSecond() / b.megabytesPerSecond()
                    : PeerResult.mean(a.messagesPerSecond) / PeerResult.mean(b.messagesPerSecond);
        } else {
            r = a.micros(99) / b.micros(99);
        }
        boolean met = atLeast ? r >= target : r <= target;
        return String.format(Locale.ROOT, "- target %s %s %.1f: measured %.2f, %s%n", what, atLeast ? "≥" : "≤",
                target, r, met ? "met" : "**missed**");
    }

    /** 10,000 connections with p99 under 20 ms, nothing lost, at most 2 KiB of heap per connection. */
    private static String scale(BenchRun.Outcome o, PeerResult u) {
        if (u == null) {
            return "";
        }
        int n = o.options().clients();
        double p99 = u.micros(99) / 1e3;
        long lost = u.sent - u.delivered;
        boolean met = n >= 10_000 && p99 < 20 && lost == 0 && u.heapPerConnection <= 2048;
        return String.format(Locale.ROOT, "- target scale: 10,000 connections, p99 < 20 ms, 0 lost, ≤ 2 KiB heap per "
                        + "idle connection: measured %,d connections, p99 %.2f ms, %,d lost, %,d B per connection "
                        + "(client and server ends together), %s%n", n, p99, lost, u.heapPerConnection,
                met ? "met" : "**missed**");
    }

    private static PeerResult find(BenchRun.Outcome o, String name) {
        for (PeerResult r : o.results()) {
            if (r.peer.equals(name) && r.measured()) {
                return r;
            }
        }
        return null;
    }
}
