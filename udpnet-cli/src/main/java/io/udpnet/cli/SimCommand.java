package io.udpnet.cli;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.engine.CongestionConfig;
import io.udpnet.impair.LinkConfig;
import io.udpnet.sim.MultiFlowReport;
import io.udpnet.sim.MultiFlowScenario;
import io.udpnet.sim.Scenario;
import io.udpnet.sim.ScenarioReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code udpnet sim}: a sender and a receiver over the simulated network, and a summary of what arrived; or, with
 * {@code --flows}, several senders sharing a bottleneck, and how they shared it.
 */
@Command(name = "sim", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Connects a client to a server over the in-process network simulator (virtual time, faster "
                + "than real time), streams messages one way and prints what arrived.",
                "With --flows N: N clients, each its own connection, send reliable-ordered messages as fast as they "
                + "may for --duration seconds through one bottleneck of --bandwidth and --queue (their own paths "
                + "have --latency, --loss and the other impairments, each way); prints each flow's goodput, Jain's "
                + "fairness index and the bottleneck's queueing delay, measured after --warmup.",
                "Exit status: 0 when every guarantee of the delivery mode held, 1 when one did not, 2 for bad "
                        + "arguments, 3 when the run reached --max-time before it finished (no guarantee seen "
                        + "broken)."})
final class SimCommand implements Callable<Integer> {
    /** Exit code of a run cut short by {@code --max-time}: not finished, but nothing seen broken. */
    static final int TIME_LIMIT = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--delivery", paramLabel = "MODE", defaultValue = "reliable-ordered",
            description = "unreliable, sequenced, reliable-unordered or reliable-ordered (default: ${DEFAULT-VALUE})")
    String delivery;

    @Option(names = "--messages", paramLabel = "N", defaultValue = "10000",
            description = "messages to send (default: ${DEFAULT-VALUE})")
    int messages;

    @Option(names = "--sizes", paramLabel = "B1,B2,...", split = ",", defaultValue = "32",
            description = "message sizes in bytes, used in turn; each at least 4 (default: ${DEFAULT-VALUE})")
    List<Integer> sizes;

    @Mixin
    LinkOptions link;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "simulation seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--max-time", paramLabel = "SECONDS", defaultValue = "600",
            description = "most simulated time the run may take, 0.001..31536000 seconds (default: ${DEFAULT-VALUE})")
    double maxTime;

    @Option(names = "--json", description = "print one JSON object (settings and results) instead of a summary")
    boolean json;

    @Option(names = "--congestion", paramLabel = "ALG", defaultValue = "bbr",
            description = "congestion control: bbr or newreno (default: ${DEFAULT-VALUE})")
    String congestion;

    @Option(names = "--queue", paramLabel = "BYTES", defaultValue = "65536",
            description = "bottleneck queue, bytes (default: ${DEFAULT-VALUE})")
    int queue;

    @Option(names = "--flows", paramLabel = "N", description = "competing flows over a shared bottleneck, 1..64")
    Integer flows;

    @Option(names = "--stagger", paramLabel = "MS", defaultValue = "0",
            description = "with --flows: delay between the starts of successive flows (default: ${DEFAULT-VALUE})")
    long staggerMillis;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "30",
            description = "with --flows: simulated seconds to run (default: ${DEFAULT-VALUE})")
    long durationSeconds;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "10",
            description = "with --flows: seconds not measured at the start (default: ${DEFAULT-VALUE})")
    long warmupSeconds;

    @Override
    public Integer call() {
        if (flows != null) {
            return runFlows();
        }
        Scenario scenario;
        try {
            if (!(maxTime >= 0.001 && maxTime <= 31_536_000)) {
                throw new IllegalArgumentException("--max-time: 0.001..31536000 seconds expected, got " + maxTime);
            }
            LinkConfig path = link.linkConfig().toBuilder().queueCapacity(checkQueue()).build();
            scenario = Scenario.builder().delivery(parseDelivery(delivery)).messages(messages)
                    .sizes(sizes.stream().mapToInt(Integer::intValue).toArray()).link(path).seed(seed)
                    .connection(connectionConfig()).timeLimit(Duration.ofNanos(Math.round(maxTime * 1e9))).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ScenarioReport r = scenario.run();
        int exit = r.guaranteeBroken() ? 1 : r.timeLimitReached() ? TIME_LIMIT : 0;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(r, exit));
        } else {
            printSummary(out, r);
        }
        out.flush();
        return exit;
    }

    private int runFlows() {
        MultiFlowScenario scenario;
        try {
            if (!delivery.equals("reliable-ordered")) {
                throw new IllegalArgumentException("--flows: flows send reliable-ordered messages; --delivery "
                        + delivery + " is not supported with it");
            }
            if (sizes.size() != 1) {
                throw new IllegalArgumentException("--flows: one message size expected, got " + sizes);
            }
            if (link.bandwidth <= 0) {
                throw new IllegalArgumentException("--flows: --bandwidth (the bottleneck's rate) must be above 0");
            }
            LinkConfig path = link.linkConfig().toBuilder().bandwidth(0).build();
            scenario = MultiFlowScenario.builder().flows(flows).stagger(Duration.ofMillis(checkNonNegative(
                            "--stagger", staggerMillis))).duration(Duration.ofSeconds(durationSeconds))
                    .warmup(Duration.ofSeconds(checkNonNegative("--warmup", warmupSeconds)))
                    .bottleneck(link.bandwidth * 1000, checkQueue()).path(path).messageSize(sizes.get(0))
                    .connection(connectionConfig()).seed(seed).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        MultiFlowReport r = scenario.run();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(r.toJson());
        } else {
            printFlows(out, r);
        }
        out.flush();
        return 0;
    }

    private int checkQueue() {
        if (queue < 1) {
            throw new IllegalArgumentException("--queue: at least 1 byte expected, got " + queue);
        }
        return queue;
    }

    private static long checkNonNegative(String option, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(option + ": 0 or more expected, got " + value);
        }
        return value;
    }

    private ConnectionConfig connectionConfig() {
        CongestionConfig.Algorithm algorithm = switch (congestion) {
            case "bbr" -> CongestionConfig.Algorithm.BBR;
            case "newreno" -> CongestionConfig.Algorithm.NEW_RENO;
            default -> throw new IllegalArgumentException("--congestion: bbr or newreno expected, got '"
                    + congestion + "'");
        };
        // As the scenarios' defaults: a very lossy link can take a while to carry the handshake or a probe.
        return ConnectionConfig.builder().connectTimeout(Duration.ofMinutes(1)).idleTimeout(Duration.ofMinutes(1))
                .congestion(CongestionConfig.builder().algorithm(algorithm).build()).build();
    }

    private static void printFlows(PrintWriter out, MultiFlowReport r) {
        out.printf("bottleneck      %.2f Mbit/s, queue %d B; paths %.1f ms RTT, %.1f%% random loss each way%n",
                r.bottleneckBits() / 1e6, r.queueBytes(), r.baseRttMillis(), r.randomLoss() * 100);
        out.printf("congestion      %s (seed %d), measured from %.1f s to %.1f s%n", r.congestion(), r.seed(),
                r.warmupMillis() / 1000, r.durationMillis() / 1000);
        for (int i = 0; i < r.flows().length; i++) {
            MultiFlowReport.Flow f = r.flows()[i];
            out.printf("flow %-2d         start %.1f s, goodput %.2f Mbit/s, share after %s, %d retransmissions%n",
                    i + 1, f.startMillis() / 1000, f.goodputBits() / 1e6,
                    f.convergedAfterMillis() < 0 ? "never" : f.convergedAfterMillis() + " ms", f.retransmissions());
        }
        out.printf("together        %.1f%% of the link in goodput, link use %.1f%%, Jain's index %.3f%n",
                r.goodputShare() * 100, r.linkUse() * 100, r.jainIndex());
        out.printf("queue delay     p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; %d drops%n",
                r.queueDelayP50Millis(), r.queueDelayP90Millis(), r.queueDelayP99Millis(), r.queueDelayMaxMillis(),
                r.queueDrops());
    }

    static Delivery parseDelivery(String name) {
        return switch (name) {
            case "unreliable" -> Delivery.UNRELIABLE;
            case "sequenced" -> Delivery.UNRELIABLE_SEQUENCED;
            case "reliable-unordered" -> Delivery.RELIABLE_UNORDERED;
            case "reliable-ordered" -> Delivery.RELIABLE_ORDERED;
            default -> throw new IllegalArgumentException("--delivery: unknown mode '" + name
                    + "'; expected unreliable, sequenced, reliable-unordered or reliable-ordered");
        };
    }

    /** What the exit code means, in one word, for the JSON {@code outcome}. */
    private static String outcome(int exit) {
        return switch (exit) {
            case 0 -> "held";
            case 1 -> "broken";
            default -> "time-limit";
        };
    }

    private String toJson(ScenarioReport r, int exit) {
        Json settings = new Json().put("delivery", delivery).put("messages", messages).put("sizesBytes", sizes);
        link.putSettings(settings).put("seed", seed).put("maxTimeSeconds", maxTime);
        return new Json().put("command", "sim").put("settings", settings)
                .put("messagesSent", r.sent()).put("messagesDelivered", r.delivered())
                .put("bytesDelivered", r.deliveredBytes()).put("messagesDuplicated", r.duplicates())
                .put("messagesOutOfOrder", r.outOfOrder()).put("messagesCorrupted", r.corrupted())
                .put("datagramsSent", r.datagramsSent()).put("packetsRetransmitted", r.retransmissions())
                .put("handshakeMillis", r.handshakeMillis()).put("simulatedMillis", r.simulatedMillis())
                .put("timeLimitReached", r.timeLimitReached()).put("rttMillis", r.rttMillis())
                .put("congestionWindowBytes", r.cwnd()).put("goodputMbitPerSecond", r.goodputMbitPerSecond())
                .put("guaranteesHeld", r.guaranteesHeld()).put("outcome", outcome(exit)).toString();
    }

    private void printSummary(PrintWriter out, ScenarioReport r) {
        out.printf("delivery        %s (seed %d)%n", r.delivery(), r.seed());
        out.printf("handshake       %s%n", r.handshakeMillis() < 0 ? "FAILED (no connection)"
                : String.format("%.1f ms", r.handshakeMillis()));
        out.printf("messages        %d sent, %d delivered (%.1f%%), %d bytes%n", r.sent(), r.delivered(),
                r.sent() == 0 ? 0 : 100.0 * r.delivered() / r.sent(), r.deliveredBytes());
        out.printf("violations      %d duplicates, %d out of order, %d corrupted%n", r.duplicates(), r.outOfOrder(),
                r.corrupted());
        // A datagram carries several packets (messages, fragments, acks), so retransmitted packets can outnumber
        // the datagrams sent.
        out.printf("network         %d datagrams sent, %d packets retransmitted, RTT %.1f ms, cwnd %d B%n",
                r.datagramsSent(), r.retransmissions(), r.rttMillis(), r.cwnd());
        if (r.goodputMbitPerSecond() > 0) {
            out.printf("goodput         %.2f Mbit/s%n", r.goodputMbitPerSecond());
        }
        out.printf("simulated time  %.1f ms%n", r.simulatedMillis());
        if (r.guaranteeBroken()) {
            out.printf("guarantees      BROKEN%n");
        } else if (r.timeLimitReached()) {
            out.printf("guarantees      none broken, but the run hit the simulated-time limit (--max-time %s s) "
                    + "before it finished; raise --max-time to let it finish%n", LinkOptions.plain(maxTime));
        } else {
            out.printf("guarantees      held%n");
        }
    }
}
