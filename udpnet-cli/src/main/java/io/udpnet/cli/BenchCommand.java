package io.udpnet.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code udpnet bench}: listed here so that {@code udpnet --help} shows it, but run from the benchmark jar, which
 * carries the systems it compares against; {@code bin/udpnet bench} starts that jar directly.
 */
@Command(name = "bench", description = {"Compares udpnet with raw UDP, Aeron, ENet, KCP and Netty in one run: "
        + "throughput, bulk transfer, ping-pong latency, loss, many connections; a table, JSON, or a report with "
        + "charts. Runs from the benchmark jar: 'bin/udpnet bench --help' for its options."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> args;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("udpnet bench: not in this jar; run it as 'bin/udpnet bench', which "
                + "builds and starts the benchmark jar (udpnet-bench/target/benchmarks.jar).");
        return 1;
    }
}
