package io.udpnet.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The tables (or JSON) of a {@link PeerComparisonBench} run: per peer, then each peer over the last one (Aeron). */
final class ComparisonReport {
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private final PeerComparisonBench.Options options;
    private final String loadBefore;
    private final String loadAfter;
    private final List<Row> rows = new ArrayList<>();

    private record Row(String name, List<String> configuration, List<Double> rates, List<Double> cores,
                       List<Double> perCpuSecond, Histogram rtt) {
        double mean() {
            return ComparisonReport.mean(rates);
        }

        double[] latencies() {
            double[] l = new double[PERCENTILES.length + 2];
            for (int i = 0; i < PERCENTILES.length; i++) {
                l[i] = PeerComparisonBench.us(rtt, PERCENTILES[i]);
            }
            l[PERCENTILES.length] = rtt.getMaxValue() / 1e3;
            l[PERCENTILES.length + 1] = rtt.getMean() / 1e3;
            return l;
        }
    }

    ComparisonReport(PeerComparisonBench.Options options, String loadBefore, String loadAfter) {
        this.options = options;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
    }

    void add(String name, List<String> configuration, List<Double> rates, List<Double> cores,
             List<Double> perCpuSecond, Histogram rtt) {
        rows.add(new Row(name, configuration, List.copyOf(rates), List.copyOf(cores), List.copyOf(perCpuSecond),
                rtt));
    }

    String tables() {
        StringBuilder b = new StringBuilder();
        int size = options.peer().size();
        line(b, "%d processors, %s %s; load average %s before, %s after", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), loadBefore, loadAfter);
        for (Row r : rows) {
            line(b, "");
            line(b, "%s:", r.name());
            r.configuration().forEach(c -> line(b, "  %s", c));
        }
        line(b, "");
        line(b, "Throughput, %d-byte messages: messages/s received while sending, %d iterations of %d s after %d "
                + "warm-up rounds", size, options.iterations(), options.seconds(), options.warmup());
        line(b, "");
        line(b, "| peer | messages/s, mean ± sd | min | max | CPU (cores) | messages per CPU-second |");
        line(b, "|---|---|---|---|---|---|");
        for (Row r : rows) {
            line(b, "| %s | %,.0f ± %,.0f | %,.0f | %,.0f | %.2f | %,.0f |", r.name(), r.mean(), stddev(r.rates()),
                    min(r.rates()), max(r.rates()), mean(r.cores()), mean(r.perCpuSecond()));
        }
        Row z = rows.get(rows.size() - 1);
        for (Row a : rows.subList(0, rows.size() - 1)) {
            line(b, "| %s / %s | %.3f | %.3f | %.3f | %.2f | %.3f |", a.name(), z.name(), a.mean() / z.mean(),
                    min(a.rates()) / min(z.rates()), max(a.rates()) / max(z.rates()),
                    mean(a.cores()) / mean(z.cores()), mean(a.perCpuSecond()) / mean(z.perCpuSecond()));
        }
        line(b, "");
        for (Row r : rows) {
            StringBuilder l = new StringBuilder();
            r.rates().forEach(x -> l.append(String.format(Locale.ROOT, " %,.0f", x)));
            line(b, "%s per iteration:%s", r.name(), l);
        }
        line(b, "");
        line(b, "Latency, ping-pong round trip of %d-byte messages, one outstanding: %,d per peer after %,d of warm-up"
                + ", microseconds", size, options.pings(), options.pingWarmup());
        line(b, "");
        line(b, "| peer | p50 | p90 | p99 | p99.9 | max | mean |");
        line(b, "|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            double[] l = r.latencies();
            line(b, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |", r.name(), l[0], l[1], l[2], l[3], l[4], l[5]);
        }
        double[] zl = z.latencies();
        for (Row a : rows.subList(0, rows.size() - 1)) {
            double[] al = a.latencies();
            line(b, "| %s / %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |", a.name(), z.name(), al[0] / zl[0],
                    al[1] / zl[1], al[2] / zl[2], al[3] / zl[3], al[4] / zl[4], al[5] / zl[5]);
        }
        line(b, "");
        line(b, "Ratios are over %s: above 1 is more messages/s, or a longer round trip, than %s.", z.name(), z.name());
        return b.toString();
    }

    String json() {
        StringBuilder b = new StringBuilder("{\n");
        b.append(String.format(Locale.ROOT, "  \"processors\": %d,\n  \"java\": %s,\n  \"loadBefore\": %s,\n"
                        + "  \"loadAfter\": %s,\n  \"size\": %d,\n  \"warmup\": %d,\n  \"iterations\": %d,\n"
                        + "  \"seconds\": %d,\n  \"pings\": %d,\n  \"pingWarmup\": %d,\n  \"idle\": %s,\n"
                        + "  \"udpnetSend\": %s,\n  \"udpnetCongestion\": %s,\n  \"peers\": [\n",
                Runtime.getRuntime().availableProcessors(), quote(System.getProperty("java.version")),
                quote(loadBefore), quote(loadAfter), options.peer().size(), options.warmup(), options.iterations(),
                options.seconds(), options.pings(), options.pingWarmup(), quote(options.peer().idle().option()),
                quote(options.peer().udpnetSend().option()), quote(options.peer().udpnetCongestion().option())));
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            double[] l = r.latencies();
            b.append(String.format(Locale.ROOT, "    {\"name\": %s, \"configuration\": %s,\n"
                            + "     \"messagesPerSecond\": {\"mean\": %.1f, \"stddev\": %.1f, \"iterations\": %s},\n"
                            + "     \"cores\": %.3f, \"messagesPerCpuSecond\": %.1f,\n"
                            + "     \"rttMicros\": {\"p50\": %.2f, \"p90\": %.2f, \"p99\": %.2f, \"p99.9\": %.2f,"
                            + " \"max\": %.2f, \"mean\": %.2f, \"count\": %d}}%s\n",
                    quote(r.name()), strings(r.configuration()), r.mean(), stddev(r.rates()), numbers(r.rates()),
                    mean(r.cores()), mean(r.perCpuSecond()), l[0], l[1], l[2], l[3], l[4], l[5],
                    r.rtt().getTotalCount(), i + 1 < rows.size() ? "," : ""));
        }
        b.append("  ],\n  \"ratios\": [");
        Row z = rows.get(rows.size() - 1);
        double[] zl = z.latencies();
        List<Row> others = rows.subList(0, rows.size() - 1);
        for (int i = 0; i < others.size(); i++) {
            Row a = others.get(i);
            double[] al = a.latencies();
            b.append(String.format(Locale.ROOT, "%n    {\"of\": %s, \"over\": %s, \"messagesPerSecond\": %.4f, "
                            + "\"messagesPerCpuSecond\": %.4f, \"rttP50\": %.4f, \"rttP90\": %.4f, \"rttP99\": %.4f, "
                            + "\"rttP99.9\": %.4f, \"rttMax\": %.4f}%s",
                    quote(a.name()), quote(z.name()), a.mean() / z.mean(),
                    mean(a.perCpuSecond()) / mean(z.perCpuSecond()), al[0] / zl[0], al[1] / zl[1], al[2] / zl[2],
                    al[3] / zl[3], al[4] / zl[4], i + 1 < others.size() ? "," : ""));
        }
        b.append("\n  ]");
        return b.append("\n}\n").toString();
    }

    private static void line(StringBuilder b, String format, Object... args) {
        b.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Sample standard deviation; 0 for a single value. */
    static double stddev(List<Double> xs) {
        if (xs.size() < 2) {
            return 0;
        }
        double m = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (xs.size() - 1));
    }

    private static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static String numbers(List<Double> xs) {
        List<String> s = new ArrayList<>();
        xs.forEach(x -> s.add(String.format(Locale.ROOT, "%.1f", x)));
        return "[" + String.join(", ", s) + "]";
    }

    private static String strings(List<String> xs) {
        List<String> s = new ArrayList<>();
        xs.forEach(x -> s.add(quote(x)));
        return "[" + String.join(", ", s) + "]";
    }

    private static String quote(String s) {
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
