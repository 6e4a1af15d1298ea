package io.udpnet.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code udpnet bench SCENARIO --peers p1,p2,...}: udpnet beside other ways of sending over UDP, in one process and
 * one run, each peer in turn. {@code bin/udpnet bench} runs this class from the benchmark jar.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures udpnet beside other ways of sending over UDP, on 127.0.0.1, in this process "
                + "(but for scale's udpnet servers): each peer is set up once, then the peers take turns, one "
                + "iteration each per round, so that machine noise hits all of them alike. Progress goes to "
                + "stderr, a table (or JSON) to stdout.",
                "",
                "Scenarios: throughput (one sender, one receiver, --size-byte messages, reliable-ordered where the "
                        + "peer offers it), bulk (1 MiB reliable-ordered messages; MB/s), pingpong (round trips at a "
                        + "fixed --rate, timed from when each ping was due, so queueing delay counts), loss "
                        + "(unreliable-sequenced messages of 1..32 fragments through a relay losing 1%% and 5%%, "
                        + "delivery beside (1-p)^n), scale (--clients connections each sending 20 messages/s to "
                        + "one server that echoes them; udpnet's server runs in a child JVM of its own, so its CPU "
                        + "per message, cores, heap and RSS per connection and cores while idle are its own; also "
                        + "handshakes/s with every connection started at once), modes (udpnet's server modes: --connections peers, datagrams "
                        + "echoed by a "
                        + "UdpServer and reliable-ordered messages counted by a MessageServer, per --modes), all.",
                "",
                "Peers: raw (JDK DatagramChannel, no protocol: the limit), raw-native (the same through the "
                        + "native I/O's batched calls, skipped where it is missing), udpnet (NIO I/O), udpnet-nocc (no "
                        + "congestion control), udpnet-native (the native I/O, skipped where it is missing), aeron "
                        + "(embedded media driver), enet (libenet through FFM, skipped where it is missing), kcp "
                        + "(kcp-netty), netty (raw datagrams over Netty's epoll transport), quic (one QUIC stream per "
                        + "direction over Netty's QUIC "
                        + "codec, skipped where its native library does not load). A peer that cannot do a "
                        + "scenario is listed as n/a with the reason."},
        exitCodeOnInvalidInput = 2)
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "throughput, bulk, pingpong, loss, scale, modes or all")
    String scenario;

    @Option(names = "--peers", paramLabel = "P1,P2,...", description = "peers to compare (default: ${DEFAULT-VALUE})")
    String peers = "raw,raw-native,udpnet,udpnet-native,aeron,enet,kcp,netty,quic";

    @Option(names = "--duration", paramLabel = "SECONDS", description = "length of each iteration, 1..600 "
            + "(default: ${DEFAULT-VALUE})")
    int duration = 2;

    @Option(names = "--warmup", paramLabel = "N", description = "rounds not counted, 0..100 (default: ${DEFAULT-VALUE})")
    int warmup = 1;

    @Option(names = "--iterations", paramLabel = "N", description = "rounds counted, 1..1000 "
            + "(default: ${DEFAULT-VALUE})")
    int iterations = 3;

    @Option(names = "--size", paramLabel = "BYTES", description = "message size of throughput and pingpong, "
            + "16..1048576 (default: ${DEFAULT-VALUE})")
    int size = 32;

    @Option(names = "--rate", paramLabel = "PER_SECOND", description = "pings per second in pingpong, messages per second in loss, 1..100000 "
            + "(default: ${DEFAULT-VALUE})")
    int rate = 1000;

    @Option(names = "--clients", paramLabel = "N[,N...]", description = "connections in scale, 1..100000; a "
            + "comma-separated list (e.g. 1000,5000,10000) gives a row per count, each with a fresh server and "
            + "fresh clients (default: ${DEFAULT-VALUE})")
    String clients = "10000";

    @Option(names = "--modes", paramLabel = "M1,M2,...", description = "server modes in modes: shared, sharded, "
            + "sharded:n (n sockets), connected, connected:n (at most n connected sockets) (default: ${DEFAULT-VALUE})")
    String modes = "shared,sharded,connected";

    @Option(names = "--connections", paramLabel = "N", description = "peers per server in modes, 1..10000 "
            + "(default: ${DEFAULT-VALUE})")
    int connections = 100;

    @Option(names = "--idle", paramLabel = "STRATEGY", description = "how application threads, and Aeron's driver, "
            + "wait: ${COMPLETION-CANDIDATES} (default: backoff)")
    PeerSettings.Idle idle = PeerSettings.Idle.BACKOFF;

    @Option(names = "--json", description = "print one JSON object instead of the tables")
    boolean json;

    @Option(names = "--report", paramLabel = "DIR", description = "also write report.md and PNG charts into DIR")
    Path report;

    private String[] args = new String[0];

    /**
     * Runs the command and exits with its status: 0, 1 when a peer failed, 2 on bad arguments.
     *
     * @param args the command line after {@code bench}
     */
    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command with the given output streams and returns its exit status. */
    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        BenchCommand command = new BenchCommand();
        command.args = args.clone();
        CommandLine cl = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("udpnet bench: " + e.getMessage());
            e.getCommandLine().getErr().println("Try 'udpnet bench --help'.");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, c, r) -> {
            c.getErr().println("udpnet bench: " + e);
            e.printStackTrace(c.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        List<Scenario> scenarios = scenarios();
        BenchRun.Options options = new BenchRun.Options(peerNames(), range("--duration", duration, 1, 600),
                range("--warmup", warmup, 0, 100), range("--iterations", iterations, 1, 1000),
                range("--size", size, PingSchedule.HEADER, Scenario.BULK_SIZE), range("--rate", rate, 1, 100_000), clientCounts(), idle, modeList(),
                range("--connections", connections, 1, 10_000));
        PrintWriter out = spec.commandLine().getOut();
        int steps = scenarios.stream().mapToInt(s -> BenchRun.steps(options, s)).sum();
        Progress progress = new Progress(spec.commandLine().getErr(), steps);
        progress.note("%s; load average %s", Machine.describe(), Machine.loadAverage());
        List<BenchRun.Outcome> outcomes = new ArrayList<>();
        BenchRun run = new BenchRun(options, progress);
        for (Scenario s : scenarios) {
            outcomes.add(run.run(s));
        }
        if (json) {
            out.print(ResultFormat.json(outcomes));
        } else {
            for (BenchRun.Outcome o : outcomes) {
                out.println(ResultFormat.table(o));
            }
        }
        out.flush();
        if (report != null) {
            Path md = ReportWriter.write(report, "udpnet bench " + String.join(" ", args), outcomes);
            progress.note("report written to %s", md);
        }
        return 0;
    }

    private List<Scenario> scenarios() {
        if (scenario.equalsIgnoreCase("all")) {
            return Arrays.asList(Scenario.values());
        }
        for (Scenario s : Scenario.values()) {
            if (s.option().equalsIgnoreCase(scenario)) {
                return List.of(s);
            }
        }
        throw new ParameterException(spec.commandLine(), "SCENARIO: one of throughput, bulk, pingpong, loss, scale, "
                + "modes, all "
                + "expected, got '" + scenario + "'");
    }

    private List<Integer> clientCounts() {
        try {
            return ScaleScenario.parseClients(clients);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--clients: " + e.getMessage());
        }
    }

    private List<String> modeList() {
        List<String> r = new ArrayList<>();
        for (String m : modes.split(",")) {
            try {
                String mode = ModesRun.parseMode(m);
                if (r.contains(mode)) {
                    throw new IllegalArgumentException("'" + m.trim() + "' given twice");
                }
                r.add(mode);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--modes: " + e.getMessage());
            }
        }
        return r;
    }

    private List<String> peerNames() {
        List<String> names = new ArrayList<>();
        for (String p : peers.split(",")) {
            String n = p.trim().toLowerCase(Locale.ROOT);
            if (!Peers.NAMES.contains(n)) {
                throw new ParameterException(spec.commandLine(), "--peers: unknown peer '" + p.trim() + "' (known: "
                        + String.join(", ", Peers.NAMES) + ")");
            }
            if (names.contains(n)) {
                throw new ParameterException(spec.commandLine(), "--peers: '" + n + "' given twice");
            }
            names.add(n);
        }
        return names;
    }

    private int range(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), option + ": " + min + ".." + max + " expected, got "
                    + value);
        }
        return value;
    }
}
