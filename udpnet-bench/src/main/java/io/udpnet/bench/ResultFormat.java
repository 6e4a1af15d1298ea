package io.udpnet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The results of {@code udpnet bench} as a Markdown table (stdout, the report) or as JSON. */
final class ResultFormat {
    private ResultFormat() {
    }

    /** What was run, in one sentence. */
    static String heading(BenchRun.Outcome o) {
        BenchRun.Options op = o.options();
        String what = switch (o.scenario()) {
            case THROUGHPUT -> op.size() + "-byte messages";
            case BULK -> "1 MiB messages";
            case PINGPONG -> op.size() + "-byte pings at " + op.rate() + "/s, round trips timed from when due";
            case SCALE -> String.join(" / ", op.clients().stream().map(n -> String.format(Locale.ROOT, "%,d", n))
                    .toList()) + " connections, " + ScaleRun.PER_SECOND + " messages/s each, echoed by a server in "
                    + "its own JVM (udpnet)";
            case MODES -> op.size() + "-byte datagrams and messages, " + op.connections() + " connections, modes "
                    + String.join(", ", op.modes());
            case LOSS -> "unreliable-sequenced messages at " + op.rate() + "/s, " + op.durationSeconds()
                    + " s per fragment count and loss";
        };
        return String.format(Locale.ROOT, "%s: %s; %d measured iterations of %d s after %d of warm-up, peers in "
                        + "turn; load average %s before, %s after", o.scenario().option(), what, op.iterations(),
                op.durationSeconds(), op.warmup(), o.loadBefore(), o.loadAfter());
    }

    static String table(BenchRun.Outcome o) {
        StringBuilder b = new StringBuilder();
        line(b, "%s", heading(o));
        line(b, "");
        if (o.scenario() == Scenario.LOSS) {
            lossTable(b, o);
        } else if (o.scenario() == Scenario.SCALE) {
            ScaleFormat.table(b, o);
        } else if (o.scenario() == Scenario.PINGPONG) {
            line(b, "| peer | p50 µs | p99 µs | p99.9 µs | max µs | pongs / pings | CPU cores |");
            line(b, "|---|---|---|---|---|---|---|");
            for (PeerResult r : o.results()) {
                if (!r.measured()) {
                    line(b, "| %s | n/a: %s | | | | | |", r.peer, r.notApplicable);
                    continue;
                }
                line(b, "| %s | %.1f | %.1f | %.1f | %.1f | %,d / %,d | %.2f |", r.peer, r.micros(50), r.micros(99),
                        r.micros(99.9), r.rtt.getMaxValue() / 1e3, r.delivered, r.sent, PeerResult.mean(r.cores));
            }
        } else {
            line(b, "| peer | messages/s (mean ± sd) | MB/s | CPU cores | CPU µs per message | delivered / sent |");
            line(b, "|---|---|---|---|---|---|");
            for (PeerResult r : o.results()) {
                if (!r.measured()) {
                    line(b, "| %s | n/a: %s | | | | |", r.peer, r.notApplicable);
                    continue;
                }
                line(b, "| %s | %,.0f ± %,.0f | %,.1f | %.2f | %.3f | %,d / %,d |", r.peer,
                        PeerResult.mean(r.messagesPerSecond), PeerResult.stddev(r.messagesPerSecond),
                        r.megabytesPerSecond(), PeerResult.mean(r.cores), r.cpuMicrosPerMessage(), r.delivered,
                        r.sent);
            }
        }
        return b.toString();
    }

    private static void lossTable(StringBuilder b, BenchRun.Outcome o) {
        line(b, "| peer | fragments | loss | delivered / sent | delivery rate | theory (1-p)^n | relay lost | "
                + "relay dropped more |");
        line(b, "|---|---|---|---|---|---|---|---|");
        for (PeerResult r : o.results()) {
            if (!r.measured()) {
                line(b, "| %s | n/a: %s | | | | | | |", r.peer, r.notApplicable);
                continue;
            }
            for (LossRun.Cell c : r.loss) {
                line(b, "| %s | %d | %.0f%% | %,d / %,d | %.4f | %.4f | %,d | %,d |", r.peer, c.fragments(),
                        c.loss() * 100, c.delivered(), c.sent(), c.rate(), c.theory(), c.relayLost(),
                        c.relayOtherDrops());
            }
        }
    }

    /** One scenario as a JSON object, with the fields the issue names (those that do not apply left out). */
    static String json(BenchRun.Outcome o, String indent) {
        StringBuilder b = new StringBuilder();
        b.append(indent).append("{\"scenario\": ").append(quote(o.scenario().option()))
                .append(", \"machine\": ").append(quote(Machine.describe()))
                .append(", \"loadBefore\": ").append(quote(o.loadBefore()))
                .append(", \"loadAfter\": ").append(quote(o.loadAfter()))
                .append(",\n").append(indent).append(" \"results\": [");
        List<PeerResult> rs = o.results();
        for (int i = 0; i < rs.size(); i++) {
            PeerResult r = rs.get(i);
            b.append(i == 0 ? "\n" : ",\n").append(indent).append("  {\"peer\": ").append(quote(r.peer));
            if (r.scale.clients > 0) {
                b.append(", \"clients\": ").append(r.scale.clients);
            }
            if (!r.measured()) {
                b.append(", \"notApplicable\": ").append(quote(r.notApplicable)).append('}');
                continue;
            }
            b.append(", \"config\": ").append(strings(r.configuration));
            if (o.scenario() == Scenario.LOSS) {
                b.append(", \"loss\": [");
                for (int k = 0; k < r.loss.size(); k++) {
                    LossRun.Cell c = r.loss.get(k);
                    b.append(String.format(Locale.ROOT, "%s{\"lossProbability\": %.2f, \"fragments\": %d, "
                                    + "\"sent\": %d, \"delivered\": %d, \"deliveryRate\": %.5f, \"theory\": %.5f}",
                            k == 0 ? "" : ", ", c.loss(), c.fragments(), c.sent(), c.delivered(), c.rate(),
                            c.theory()));
                }
                b.append(']');
            } else if (o.scenario() == Scenario.SCALE) {
                ScaleFormat.json(b, r);
            } else if (o.scenario() == Scenario.PINGPONG) {
                b.append(String.format(Locale.ROOT, ", \"p50Micros\": %.2f, \"p99Micros\": %.2f, "
                                + "\"p999Micros\": %.2f, \"maxMicros\": %.2f", r.micros(50), r.micros(99),
                        r.micros(99.9), r.rtt.getMaxValue() / 1e3));
            } else {
                b.append(String.format(Locale.ROOT, ", \"messagesPerSecond\": %.1f, \"messagesPerSecondStddev\": "
                                + "%.1f, \"megabytesPerSecond\": %.3f", PeerResult.mean(r.messagesPerSecond),
                        PeerResult.stddev(r.messagesPerSecond), r.megabytesPerSecond()));
            }
            if (!r.cores.isEmpty()) {
                b.append(String.format(Locale.ROOT, ", \"cpuCores\": %.3f", PeerResult.mean(r.cores)));
            }
            b.append(String.format(Locale.ROOT, ", \"delivered\": %d, \"sent\": %d}", r.delivered, r.sent));
        }
        return b.append('\n').append(indent).append(" ]}").toString();
    }

    /** Several scenarios ({@code all}) as one object. */
    static String json(List<BenchRun.Outcome> outcomes) {
        if (outcomes.size() == 1) {
            return json(outcomes.get(0), "") + "\n";
        }
        StringBuilder b = new StringBuilder("{\"scenario\": \"all\", \"machine\": ")
                .append(quote(Machine.describe())).append(", \"scenarios\": [\n");
        for (int i = 0; i < outcomes.size(); i++) {
            b.append(json(outcomes.get(i), "  ")).append(i + 1 < outcomes.size() ? ",\n" : "\n");
        }
        return b.append("]}\n").toString();
    }

    private static void line(StringBuilder b, String format, Object... args) {
        b.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private static String strings(List<String> xs) {
        List<String> s = new ArrayList<>();
        xs.forEach(x -> s.add(quote(x)));
        return "[" + String.join(", ", s) + "]";
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
