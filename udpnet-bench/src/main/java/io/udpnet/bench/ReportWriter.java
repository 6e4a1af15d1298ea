package io.udpnet.bench;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * {@code --report DIR}: a Markdown report ({@code report.md}: command, machine, and per scenario its table, chart,
 * the targets as measured ratios and every peer's exact configuration) and one PNG chart per scenario beside it.
 */
final class ReportWriter {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 450;
    /** Percentiles of the latency curves, up to where a short run still has samples. */
    private static final double[] CURVE = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};

    private ReportWriter() {
    }

    /** Writes the report and its charts into {@code dir} (created if missing); returns the Markdown file. */
    static Path write(Path dir, String command, List<BenchRun.Outcome> outcomes) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        StringBuilder b = new StringBuilder("# udpnet bench\n\n");
        b.append("Command: `").append(command).append("`  \n");
        b.append("Machine: ").append(Machine.describe()).append("  \n");
        b.append("Taken: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("\n\n");
        for (BenchRun.Outcome o : outcomes) {
            String chart = o.scenario().option() + ".png";
            writeChart(o, dir.resolve(chart));
            b.append("## ").append(o.scenario().option()).append("\n\n").append(o.scenario().description())
                    .append(".\n\n").append(ResultFormat.table(o)).append("\n![").append(o.scenario().option())
                    .append("](").append(chart).append(")\n\n");
            String targets = Targets.check(o);
            if (!targets.isEmpty()) {
                b.append(targets).append('\n');
            }
            b.append("Configurations:\n\n");
            List<String> listed = new java.util.ArrayList<>();
            for (PeerResult r : o.results()) {
                // Scale has a row per client count; the configuration is the peer's, listed once.
                if (r.measured() && !listed.contains(r.peer)) {
                    listed.add(r.peer);
                    b.append("- **").append(r.peer).append("**\n");
                    r.configuration.forEach(c -> b.append("  - ").append(c).append('\n'));
                }
            }
            b.append('\n');
        }
        Path md = dir.resolve("report.md");
        Files.writeString(md, b.toString());
        return md;
    }

    private static void writeChart(BenchRun.Outcome o, Path file) throws IOException {
        JFreeChart chart = switch (o.scenario()) {
            case PINGPONG, SCALE -> latencyChart(o);
            case LOSS -> lossChart(o);
            case THROUGHPUT, BULK, MODES -> barChart(o);
        };
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** Mean per peer with the standard deviation over iterations as error bars. */
    private static JFreeChart barChart(BenchRun.Outcome o) {
        boolean bulk = o.scenario() == Scenario.BULK;
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        for (PeerResult r : o.results()) {
            if (r.measured()) {
                List<Double> xs = bulk ? r.bytesPerSecond.stream().map(x -> x / 1e6).toList() : r.messagesPerSecond;
                data.add(PeerResult.mean(xs), PeerResult.stddev(xs), o.scenario().option(), r.peer);
            }
        }
        String unit = bulk ? "MB/s (10^6 bytes)" : "messages/s";
        CategoryPlot plot = new CategoryPlot(data, new CategoryAxis("peer"), new NumberAxis(unit),
                new StatisticalBarRenderer());
        plot.setOrientation(PlotOrientation.VERTICAL);
        return new JFreeChart(title(o), JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    }

    /** Round-trip time against percentile, the percentile axis stretched towards the tail (1 / (1 - p)). */
    private static JFreeChart latencyChart(BenchRun.Outcome o) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (PeerResult r : o.results()) {
            if (!r.measured() || r.rtt.getTotalCount() == 0) {
                continue;
            }
            XYSeries s = new XYSeries(r.label());
            for (double p : CURVE) {
                s.add(1 / (1 - p / 100), r.micros(p));
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title(o), "percentile, as 1 / (1 - p): 2 = p50, 100 = "
                + "p99, 10^4 = p99.99", "round trip, µs", data);
        LogAxis x = new LogAxis("percentile, as 1 / (1 - p): 2 = p50, 100 = p99, 10^4 = p99.99");
        x.setBase(10);
        x.setTickUnit(new NumberTickUnit(1));
        chart.getXYPlot().setDomainAxis(x);
        return chart;
    }

    /** Delivery rate against fragment count, measured and (1-p)^n, per loss probability. */
    private static JFreeChart lossChart(BenchRun.Outcome o) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (double p : LossRun.LOSS) {
            XYSeries theory = new XYSeries(String.format(Locale.ROOT, "(1-p)^n, p = %.2f", p));
            for (int n : LossRun.FRAGMENTS) {
                theory.add(n, Math.pow(1 - p, n));
            }
            data.addSeries(theory);
            for (PeerResult r : o.results()) {
                XYSeries s = new XYSeries(String.format(Locale.ROOT, "%s, p = %.2f", r.peer, p));
                r.loss.stream().filter(c -> c.loss() == p).forEach(c -> s.add(c.fragments(), c.rate()));
                if (!s.isEmpty()) {
                    data.addSeries(s);
                }
            }
        }
        return ChartFactory.createXYLineChart(title(o), "fragments per message", "messages delivered whole", data);
    }

    private static String title(BenchRun.Outcome o) {
        return String.format(Locale.ROOT, "%s (%s)", o.scenario().option(), ResultFormat.heading(o)
                .replaceFirst("^[a-z]+: ", "").replaceFirst(";.*", ""));
    }
}
