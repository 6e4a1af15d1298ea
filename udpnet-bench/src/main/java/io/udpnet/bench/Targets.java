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
            case SCALE -> scale(o);
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

    /**
     * Per udpnet row: from 2,000 clients, p99 under 20 ms with nothing lost; from 10,000, the server at most 0.02
     * cores while they idle; at any count, at most 2 KiB of server heap per idle connection. The idle targets are
     * judged only after a full idle phase: a run of 1-s rounds idles for 5 s, before a connection has been quiet
     * long enough to shrink (half a keep-alive interval) and with no keep-alive in the window.
     */
    private static String scale(BenchRun.Outcome o) {
        StringBuilder b = new StringBuilder();
        boolean fullIdle = ScaleScenario.settleNanos(o.options().durationSeconds()) > 0;
        String notJudged = "not judged: rounds of 1 s idle for 5 s only, before connections shrink";
        for (PeerResult r : o.results()) {
            if (!r.measured() || !r.peer.startsWith("udpnet")) {
                continue;
            }
            ScaleFigures f = r.scale;
            if (f.clients >= 2_000) {
                double p99 = r.micros(99) / 1e3;
                long lost = r.sent - r.delivered;
                b.append(String.format(Locale.ROOT, "- target scale (%s): p99 < 20 ms and 0 lost from 2,000 clients: "
                        + "measured p99 %.2f ms, %,d lost, %s%n", r.label(), p99, lost,
                        p99 < 20 && lost == 0 ? "met" : "**missed**"));
            }
            if (f.clients >= 10_000 && !Double.isNaN(f.idleServerCores)) {
                b.append(String.format(Locale.ROOT, "- target scale (%s): server ≤ 0.02 cores with 10,000 idle "
                        + "connections: measured %.4f, %s%n", r.label(), f.idleServerCores,
                        !fullIdle ? notJudged : f.idleServerCores <= 0.02 ? "met" : "**missed**"));
            }
            if (f.idleHeapPerConnection != ScaleFigures.NOT_MEASURED) {
                b.append(String.format(Locale.ROOT, "- target scale (%s): ≤ 2 KiB of server heap per idle "
                        + "connection: measured %,d B, %s%n", r.label(), f.idleHeapPerConnection,
                        !fullIdle ? notJudged : f.idleHeapPerConnection <= 2048 ? "met" : "**missed**"));
            }
        }
        return b.toString();
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
