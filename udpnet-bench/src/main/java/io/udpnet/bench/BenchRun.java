package io.udpnet.bench;

import io.udpnet.io.DatagramIo;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs one scenario over the chosen peers: opens them all, then takes rounds of one iteration per peer, the peer
 * that goes first rotating from round to round, so that whatever else the machine does hits every peer alike. The
 * first {@code warmup} rounds are not counted. The process's CPU time over an iteration gives the cores used (the
 * other peers' threads are idle meanwhile, but count too).
 */
final class BenchRun {
    /** The settings of a run, as given on the command line. */
    record Options(List<String> peers, int durationSeconds, int warmup, int iterations, int size, int rate,
                   List<Integer> clients, PeerSettings.Idle idle, List<String> modes, int connections) {
    }

    /** A scenario's results, with the load average before and after. */
    record Outcome(Scenario scenario, Options options, List<PeerResult> results, String loadBefore,
                   String loadAfter) {
    }

    private final Options options;
    private final Progress progress;

    BenchRun(Options options, Progress progress) {
        this.options = options;
        this.progress = progress;
    }

    Outcome run(Scenario scenario) throws Exception {
        if (scenario == Scenario.MODES) {
            return ModesRun.run(options, progress);
        }
        if (scenario == Scenario.SCALE) {
            return ScaleScenario.run(options, progress);
        }
        if (scenario == Scenario.LOSS) {
            return lossRun();
        }
        String loadBefore = Machine.loadAverage();
        int size = scenario == Scenario.BULK ? Scenario.BULK_SIZE : options.size();
        PeerSettings settings = new PeerSettings(size, options.idle());
        List<ComparedPeer> peers = new ArrayList<>();
        List<PeerResult> results = new ArrayList<>();
        try {
            for (String name : options.peers()) {
                try {
                    ComparedPeer p = Peers.open(name, settings);
                    peers.add(p);
                    results.add(PeerResult.of(p));
                    progress.note("%s: %s", name, String.join("; ", p.configuration()));
                } catch (Peers.Unavailable e) {
                    results.add(PeerResult.notApplicable(name, e.getMessage()));
                    progress.note("%s: skipped, %s", name, e.getMessage());
                    progress.skip(options.warmup() + options.iterations());
                }
            }
            measure(scenario, peers, results);
        } finally {
            for (int i = peers.size() - 1; i >= 0; i--) {
                peers.get(i).close();
            }
        }
        return new Outcome(scenario, options, results, loadBefore, Machine.loadAverage());
    }

    private void measure(Scenario scenario, List<ComparedPeer> peers, List<PeerResult> results) throws Exception {
        if (peers.isEmpty()) {
            return;
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long nanos = options.durationSeconds() * 1_000_000_000L;
        int rounds = options.warmup() + options.iterations();
        for (int round = 0; round < rounds; round++) {
            boolean measured = round >= options.warmup();
            List<ComparedPeer> order = new ArrayList<>(peers);
            Collections.rotate(order, -(round % order.size()));
            for (ComparedPeer p : order) {
                PeerResult r = result(results, p.name());
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                String figure = scenario == Scenario.PINGPONG ? pings(p, r, measured) : throughput(p, r, nanos,
                        measured);
                long t1 = System.nanoTime();
                long c1 = os.getProcessCpuTime();
                double cores = (double) (c1 - c0) / (t1 - t0);
                if (measured) {
                    r.cores.add(cores);
                    r.cpuNanos += c1 - c0;
                }
                progress.step("%s round %d/%d%s %s: %s, %.2f cores; %s", scenario.option(), round + 1, rounds,
                        measured ? "" : " (warm-up)", p.name(), figure, cores, p.diagnostics());
            }
        }
    }

    private static String throughput(ComparedPeer p, PeerResult r, long nanos, boolean measured) throws Exception {
        ComparedPeer.Throughput t = p.throughput(nanos);
        if (measured) {
            r.messagesPerSecond.add(t.messagesPerSecond());
            r.bytesPerSecond.add(t.bytesPerSecond());
            r.sent += t.sent();
            r.delivered += t.delivered();
        }
        return String.format(java.util.Locale.ROOT, "%,.0f messages/s, %,.1f MB/s, %,d of %,d delivered",
                t.messagesPerSecond(), t.bytesPerSecond() / 1e6, t.delivered(), t.sent());
    }

    private String pings(ComparedPeer p, PeerResult r, boolean measured) throws Exception {
        int count = (int) Math.min(Integer.MAX_VALUE, (long) options.rate() * options.durationSeconds());
        Histogram h = new Histogram(3);
        PingSchedule.Result res = p.pingPong(new PingSchedule(count, 1_000_000_000L / options.rate(), h));
        if (measured) {
            r.rtt.add(h);
            r.sent += res.sent();
            r.delivered += res.received();
        }
        return String.format(java.util.Locale.ROOT, "%,d of %,d pongs, p50 %.1f us, p99 %.1f us, max %.1f us",
                res.received(), res.sent(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getMaxValue() / 1e3);
    }

    private static PeerResult result(List<PeerResult> results, String name) {
        for (PeerResult r : results) {
            if (r.peer.equals(name)) {
                return r;
            }
        }
        throw new IllegalStateException("no result for " + name);
    }

    /**
     * The loss scenario, run for udpnet's peers and ENet (the one other peer with unreliable fragmented messages);
     * the others are n/a with the reason.
     */
    private Outcome lossRun() throws Exception {
        String loadBefore = Machine.loadAverage();
        List<PeerResult> results = new ArrayList<>();
        List<DatagramIo> ios = new ArrayList<>();
        for (String name : options.peers()) {
            String na = notApplicable(name, Scenario.LOSS);
            DatagramIo io = null;
            if (na == null) {
                try {
                    if (name.equals("enet")) {
                        Peers.enetCall("EnetLoss", "check", new Class<?>[0]);
                    } else {
                        io = name.equals("udpnet-native") ? Peers.nativeIo() : DatagramIo.nio();
                    }
                } catch (Peers.Unavailable e) {
                    na = e.getMessage();
                }
            }
            if (na != null) {
                results.add(PeerResult.notApplicable(name, na));
                progress.note("%s: skipped, %s", name, na);
                progress.skip(steps(options, Scenario.LOSS) / options.peers().size());
                continue;
            }
            ios.add(io);
            @SuppressWarnings("unchecked")
            List<String> config = io == null ? (List<String>) Peers.enetCall("EnetLoss", "configuration",
                    new Class<?>[0]) : LossRun.configuration(io, LossRun.config());
            results.add(PeerResult.of(name, config));
        }
        List<PeerResult> measured = results.stream().filter(PeerResult::measured).toList();
        for (int round = 0; round < options.warmup() + options.iterations(); round++) {
            for (int k = 0; k < measured.size(); k++) {
                int i = (k + round) % measured.size();
                boolean counted = round >= options.warmup();
                if (ios.get(i) == null) {
                    Peers.enetCall("EnetLoss", "measure", new Class<?>[] {Options.class, PeerResult.class,
                        Progress.class, boolean.class}, options, measured.get(i), progress, counted);
                } else {
                    LossRun.measure(ios.get(i), options, measured.get(i), progress, counted);
                }
            }
        }
        return new Outcome(Scenario.LOSS, options, results, loadBefore, Machine.loadAverage());
    }

    /** Why peer {@code name} sits out the loss or scale scenario; null for the peers that run it. */
    static String notApplicable(String name, Scenario scenario) {
        boolean loss = scenario == Scenario.LOSS;
        return switch (name) {
            case "udpnet", "udpnet-native" -> null;
            case "udpnet-nocc" -> "the same as udpnet in this scenario";
            case "raw", "raw-native", "netty" -> loss ? "no protocol: a message is one datagram, never fragmented"
                    : "no protocol, so no connections to hold per client: nothing to scale";
            case "aeron", "kcp", "quic" -> loss ? "reliable delivery only: nothing is lost, so nothing to compare"
                    : "not driven with thousands of connections by this harness (one publication or connection "
                    + "per peer only)";
            case "enet" -> null;
            default -> "not run in this scenario";
        };
    }

    /** The steps the progress bar counts for one scenario: rounds × peers, times the cells of the loss scenario. */
    static int steps(Options o, Scenario s) {
        if (s == Scenario.SCALE) {
            return ScaleScenario.stepsPerPeer(o) * o.peers().size();
        }
        int perRound = s == Scenario.LOSS ? LossRun.steps() : s == Scenario.MODES ? o.modes().size() * 2 : 1;
        return (o.warmup() + o.iterations()) * o.peers().size() * perRound;
    }
}
