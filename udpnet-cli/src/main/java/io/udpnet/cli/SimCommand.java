package io.udpnet.cli;

import io.udpnet.Delivery;
import io.udpnet.sim.Scenario;
import io.udpnet.sim.ScenarioReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code udpnet sim}: a sender and a receiver over the simulated network, and a summary of what arrived. */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Connects a client to a server over the in-process network simulator (virtual time, faster "
                + "than real time), streams messages one way and prints what arrived.",
                "Exit status: 0 when every guarantee of the delivery mode held, 1 when one did not, 2 for bad arguments."})
final class SimCommand implements Callable<Integer> {

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

    @Option(names = "--json", description = "print one JSON object instead of a summary")
    boolean json;

    @Override
    public Integer call() {
        Scenario scenario;
        try {
            scenario = Scenario.builder().delivery(parseDelivery(delivery)).messages(messages)
                    .sizes(sizes.stream().mapToInt(Integer::intValue).toArray()).link(link.linkConfig()).seed(seed)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ScenarioReport r = scenario.run();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(r.toJson());
        } else {
            printSummary(out, r);
        }
        out.flush();
        return r.guaranteesHeld() ? 0 : 1;
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

    private static void printSummary(PrintWriter out, ScenarioReport r) {
        out.printf("delivery        %s (seed %d)%n", r.delivery(), r.seed());
        out.printf("handshake       %s%n", r.handshakeMillis() < 0 ? "FAILED (no connection)"
                : String.format("%.1f ms", r.handshakeMillis()));
        out.printf("messages        %d sent, %d delivered (%.1f%%), %d bytes%n", r.sent(), r.delivered(),
                r.sent() == 0 ? 0 : 100.0 * r.delivered() / r.sent(), r.deliveredBytes());
        out.printf("violations      %d duplicates, %d out of order, %d corrupted%n", r.duplicates(), r.outOfOrder(),
                r.corrupted());
        out.printf("network         %d datagrams, %d retransmissions, RTT %.1f ms, cwnd %d B%n", r.datagramsSent(),
                r.retransmissions(), r.rttMillis(), r.cwnd());
        if (r.simulatedMillis() > r.handshakeMillis() && r.handshakeMillis() >= 0) {
            out.printf("goodput         %.2f Mbit/s%n",
                    r.deliveredBytes() * 8 / ((r.simulatedMillis() - r.handshakeMillis()) / 1000) / 1e6);
        }
        out.printf("simulated time  %.1f ms%s%n", r.simulatedMillis(), r.completed() ? "" : " (time limit reached)");
        out.printf("guarantees      %s%n", r.guaranteesHeld() ? "held" : "BROKEN");
    }
}
