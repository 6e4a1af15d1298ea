package io.udpnet.bench;

import java.util.Locale;

/**
 * The {@code scale} scenario's table and JSON fields: a row per peer and client count, the client side's figures
 * (round trips, counts, the bench process's cores) beside the server process's own (CPU per echoed message, cores,
 * heap and RSS per connection, CPU per handshake, cores while idle). A figure not measured shows as n/a in the
 * table and is left out of the JSON.
 */
final class ScaleFormat {
    private ScaleFormat() {
    }

    static void table(StringBuilder b, BenchRun.Outcome o) {
        b.append("| peer | clients | p50 µs | p99 µs | p99.9 µs | max µs | echoed / sent | lost | server CPU µs per "
                + "message | server cores | client cores | server heap per connection | server heap per idle "
                + "connection | server RSS per connection | handshakes/s | server CPU µs per handshake "
                + "| server cores idle |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder notes = new StringBuilder();
        for (PeerResult r : o.results()) {
            ScaleFigures f = r.scale;
            String clients = f.clients == 0 ? "" : String.format(Locale.ROOT, "%,d", f.clients);
            if (!r.measured()) {
                b.append(String.format(Locale.ROOT, "| %s | %s | n/a: %s | | | | | | | | | | | | | | |%n", r.peer,
                        clients, r.notApplicable));
                continue;
            }
            b.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %,d / %,d | %,d | %s | %s "
                            + "| %.2f | %s | %s | %s | %s | %s | %s |%n", r.peer, clients, r.micros(50), r.micros(99),
                    r.micros(99.9), r.rtt.getMaxValue() / 1e3, r.delivered, r.sent, r.sent - r.delivered,
                    number("%.2f", f.serverCpuMicrosPerMessage()), number("%.2f", PeerResult.mean(f.serverCores)),
                    PeerResult.mean(r.cores), bytes(f.heapPerConnection), bytes(f.idleHeapPerConnection),
                    bytes(f.rssPerConnection),
                    number("%,.0f", f.handshakesPerSecond), number("%.1f", f.serverCpuNanosPerHandshake / 1e3),
                    number("%.4f", f.idleServerCores)));
            if (f.serverNotMeasured != null && notes.indexOf(r.peer + ":") < 0) {
                notes.append("\n").append(r.peer).append(": server figures n/a, ").append(f.serverNotMeasured)
                        .append("; its cores are the whole process's.\n");
            }
        }
        b.append(notes);
    }

    private static String number(String format, double x) {
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, format, x);
    }

    private static String bytes(long x) {
        return x == ScaleFigures.NOT_MEASURED || x == ScaleFigures.NOT_ON_HEAP ? "n/a"
                : String.format(Locale.ROOT, "%,d B", x);
    }

    /** The scale fields of one measured row (its client count is written with the peer), each after a comma. */
    static void json(StringBuilder b, PeerResult r) {
        ScaleFigures f = r.scale;
        b.append(String.format(Locale.ROOT, ", \"p50Micros\": %.2f, \"p99Micros\": %.2f, \"p999Micros\": %.2f, "
                + "\"maxMicros\": %.2f, \"lost\": %d", r.micros(50), r.micros(99), r.micros(99.9),
                r.rtt.getMaxValue() / 1e3, r.sent - r.delivered));
        field(b, "serverCpuMicrosPerMessage", f.serverCpuMicrosPerMessage());
        field(b, "serverCpuCores", PeerResult.mean(f.serverCores));
        if (f.heapPerConnection != ScaleFigures.NOT_MEASURED && f.heapPerConnection != ScaleFigures.NOT_ON_HEAP) {
            b.append(", \"heapBytesPerConnection\": ").append(f.heapPerConnection);
        }
        if (f.idleHeapPerConnection != ScaleFigures.NOT_MEASURED) {
            b.append(", \"idleHeapBytesPerConnection\": ").append(f.idleHeapPerConnection);
        }
        if (f.rssPerConnection != ScaleFigures.NOT_MEASURED) {
            b.append(", \"rssBytesPerConnection\": ").append(f.rssPerConnection);
        }
        field(b, "handshakesPerSecond", f.handshakesPerSecond);
        field(b, "serverCpuMicrosPerHandshake", f.serverCpuNanosPerHandshake / 1e3);
        field(b, "idleServerCpuCores", f.idleServerCores);
        field(b, "idleSeconds", f.idleSeconds);
        if (f.serverNotMeasured != null) {
            b.append(", \"serverNotMeasured\": ").append(ResultFormat.quote(f.serverNotMeasured));
        }
    }

    private static void field(StringBuilder b, String name, double x) {
        if (!Double.isNaN(x)) {
            b.append(String.format(Locale.ROOT, ", \"%s\": %.4f", name, x));
        }
    }
}
