package io.udpnet.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * udpnet's message level against Aeron, side by side in one process and one run, on 127.0.0.1.
 *
 * <p>Both systems are set up once (see {@link UdpnetPeer} and {@link AeronPeer}) and then take turns, so that
 * whatever else the machine does hits both alike:
 *
 * <ul>
 *   <li><b>Throughput</b>: rounds of one iteration per peer, the peer that goes first rotating from round to
 *   round; the first {@code --warmup} rounds are not counted. In an iteration one thread sends
 *   {@code --size}-byte messages, numbered in their first 8 bytes, as fast as back-pressure allows for
 *   {@code --seconds}; the receiver counts them and checks that each is the next one. The figure is messages
 *   received per second while the sender ran; then the iteration waits until everything sent has arrived. The
 *   process's CPU time over the iteration (sending and draining) gives the cores used and messages per CPU-second;
 *   the other peers' threads are asleep meanwhile, but count too.</li>
 *   <li><b>Latency</b>: ping-pong, one message outstanding: {@code --ping-warmup} round trips per peer, then
 *   {@code --pings} measured ones per peer in {@code --iterations} chunks, taking turns as above, recorded with
 *   HdrHistogram.</li>
 * </ul>
 *
 * <p>Progress and per-iteration counters go to stderr; the tables (or with {@code --json} one JSON object) to stdout.
 *
 * <pre>
 * bin/bench --main io.udpnet.bench.PeerComparisonBench [--size 32] [--warmup 3] [--iterations 5] [--seconds 2]
 *     [--pings 20000] [--ping-warmup 5000] [--idle backoff|yielding|sleeping] [--udpnet-send try|block]
 *     [--udpnet-congestion bbr|none|both] [--json]
 * </pre>
 *
 * <p>With {@code --udpnet-congestion both}, udpnet takes part twice, with its default congestion control
 * ({@code udpnet}) and without any ({@code udpnet-nocc}), in the same rounds; every ratio is over Aeron.
 */
public final class PeerComparisonBench {
    private static final String USAGE = """
            usage: PeerComparisonBench [--size BYTES] [--warmup N] [--iterations N] [--seconds S] [--pings N]
                                       [--ping-warmup N] [--idle backoff|yielding|sleeping]
                                       [--udpnet-send try|block] [--udpnet-congestion bbr|none|both] [--json]
              --size               message size in bytes, 8..1048576 (default 32)
              --warmup             throughput rounds not counted (default 3)
              --iterations         throughput rounds counted, and chunks of the measured pings (default 5)
              --seconds            sending time of one throughput iteration, 1..600 (default 2)
              --pings              measured ping-pong round trips per peer (default 20000)
              --ping-warmup        ping-pong round trips per peer before measuring (default 5000)
              --idle               how application threads, and Aeron's driver, wait (default backoff)
              --udpnet-send        udpnet's sender on back-pressure: trySend + idle strategy, or blocking send
                                   (default try)
              --udpnet-congestion  udpnet's congestion control: bbr (the default config), none, or both as two
                                   peers, udpnet and udpnet-nocc (default bbr)
              --json               print one JSON object instead of the tables
            """;

    private PeerComparisonBench() {
    }

    /** The options of one run. */
    record Options(PeerSettings peer, int warmup, int iterations, int seconds, int pings, int pingWarmup,
                   boolean json) {
    }

    /** What was measured for one peer. */
    private static final class Result {
        final ComparedPeer peer;
        final List<Double> rates = new ArrayList<>();
        final List<Double> cores = new ArrayList<>();
        final List<Double> perCpuSecond = new ArrayList<>();
        final Histogram rtt = new Histogram(3);

        Result(ComparedPeer peer) {
            this.peer = peer;
        }
    }

    /**
     * Runs the comparison; exits with status 2 on bad arguments.
     *
     * @param args the options, see the class comment
     * @throws Exception when a peer fails
     */
    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(USAGE);
            return;
        }
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("PeerComparisonBench: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (!Object.class.getModule().isExported("jdk.internal.misc", PeerComparisonBench.class.getModule())) {
            System.err.println("PeerComparisonBench: Aeron needs the JVM flag --add-exports "
                    + "java.base/jdk.internal.misc=ALL-UNNAMED (bin/bench --main passes it)");
            System.exit(2);
            return;
        }
        run(o);
    }

    static Options parse(String[] args) {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("size", "32");
        defaults.put("warmup", "3");
        defaults.put("iterations", "5");
        defaults.put("seconds", "2");
        defaults.put("pings", "20000");
        defaults.put("ping-warmup", "5000");
        defaults.put("idle", "backoff");
        defaults.put("udpnet-send", "try");
        defaults.put("udpnet-congestion", "bbr");
        BenchArgs v = BenchArgs.parse(args, defaults, Set.of("json"));
        PeerSettings peer = new PeerSettings(v.number("size", 8, 1 << 20),
                v.choice("idle", PeerSettings.Idle.class), v.choice("udpnet-send", PeerSettings.UdpnetSend.class),
                v.choice("udpnet-congestion", PeerSettings.UdpnetCongestion.class));
        return new Options(peer, v.number("warmup", 0, 1000), v.number("iterations", 1, 1000),
                v.number("seconds", 1, 600), v.number("pings", 0, 100_000_000),
                v.number("ping-warmup", 0, 100_000_000), v.flag("json"));
    }

    static void run(Options o) throws Exception {
        String loadBefore = loadAverage();
        progress("%d processors, %s %s, load average %s; %d-byte messages, %d + %d rounds of %d s, %d + %d pings",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), loadBefore, o.peer().size(), o.warmup(), o.iterations(),
                o.seconds(), o.pingWarmup(), o.pings());
        List<Result> results = new ArrayList<>();
        try {
            PeerSettings.UdpnetCongestion cc = o.peer().udpnetCongestion();
            if (cc != PeerSettings.UdpnetCongestion.NONE) {
                results.add(new Result(UdpnetPeer.open(o.peer(), true)));
            }
            if (cc != PeerSettings.UdpnetCongestion.BBR) {
                results.add(new Result(UdpnetPeer.open(o.peer(), false)));
            }
            results.add(new Result(AeronPeer.open(o.peer())));
            measure(o, results, loadBefore);
        } finally {
            for (int i = results.size() - 1; i >= 0; i--) {
                results.get(i).peer.close();
            }
        }
    }

    /** Throughput rounds, then ping-pong, then the report. */
    private static void measure(Options o, List<Result> results, String loadBefore) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (Result r : results) {
            progress("%s: %s", r.peer.name(), String.join("; ", r.peer.configuration()));
        }
        long nanos = o.seconds() * 1_000_000_000L;
        int rounds = o.warmup() + o.iterations();
        for (int round = 0; round < rounds; round++) {
            boolean measured = round >= o.warmup();
            for (Result r : inTurn(results, round)) {
                long g0 = gcCount();
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                ComparedPeer.Throughput t = r.peer.throughput(nanos);
                long t1 = System.nanoTime();
                long c1 = os.getProcessCpuTime();
                long gcs = gcCount() - g0;
                double cores = (double) (c1 - c0) / (t1 - t0);
                double perCpu = c1 > c0 ? t.delivered() * 1e9 / (c1 - c0) : 0;
                if (measured) {
                    r.rates.add(t.messagesPerSecond());
                    r.cores.add(cores);
                    r.perCpuSecond.add(perCpu);
                }
                progress("round %d/%d%s %-11s %,12.0f messages/s, %.2f cores, %,.0f messages per CPU-second, "
                                + "%d GCs; %s", round + 1, rounds, measured ? "" : " (warm-up)", r.peer.name(),
                        t.messagesPerSecond(), cores, perCpu, gcs, r.peer.diagnostics());
            }
        }
        for (Result r : results) {
            r.peer.pingPong(o.pingWarmup(), null);
            progress("%s: %,d ping-pong round trips of warm-up done", r.peer.name(), o.pingWarmup());
        }
        for (int chunk = 0; chunk < o.iterations(); chunk++) {
            int n = o.pings() / o.iterations() + (chunk < o.pings() % o.iterations() ? 1 : 0);
            for (Result r : inTurn(results, chunk)) {
                Histogram h = new Histogram(3);
                r.peer.pingPong(n, h);
                r.rtt.add(h);
                if (n > 0) {
                    progress("pings %d/%d %-11s %,d round trips: p50 %.1f us, p99 %.1f us, max %.1f us",
                            chunk + 1, o.iterations(), r.peer.name(), n, us(h, 50), us(h, 99),
                            h.getMaxValue() / 1e3);
                }
            }
        }
        String loadAfter = loadAverage();
        ComparisonReport report = new ComparisonReport(o, loadBefore, loadAfter);
        for (Result r : results) {
            report.add(r.peer.name(), r.peer.configuration(), r.rates, r.cores, r.perCpuSecond, r.rtt);
        }
        System.out.print(o.json() ? report.json() : report.tables());
    }

    /** The peers in the order of this round: rotated by one each round, so that each goes first in turn. */
    private static List<Result> inTurn(List<Result> results, int round) {
        List<Result> l = new ArrayList<>(results);
        Collections.rotate(l, -(round % l.size()));
        return l;
    }

    static double us(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e3;
    }

    private static long gcCount() {
        long n = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static void progress(String format, Object... args) {
        System.err.println("# " + String.format(Locale.ROOT, format, args));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
