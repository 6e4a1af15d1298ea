package io.udpnet.cli;

import io.udpnet.impair.LinkConfig;
import io.udpnet.impair.ImpairmentRelay;
import io.udpnet.impair.RelayStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code udpnet relay}: a real UDP relay that impairs the traffic between clients and a server. */
@Command(name = "relay", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Relays UDP datagrams between clients and a target through impairments applied in real time "
                + "(the same as the simulator's, each direction on its own). Each client gets its own source port "
                + "towards the target, as behind a NAT. Runs until interrupted (or for --duration), printing a "
                + "status line every --status seconds and a summary at the end.",
                "With --json the summary is one JSON object on standard output and the other lines go to standard "
                        + "error.",
                "Exit status: 0 after a clean stop, 1 when the relay cannot start, 2 for bad arguments."})
final class RelayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
            description = "where clients send to; port 0 picks one, :PORT listens on every interface "
                    + "(default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--target", paramLabel = "HOST:PORT", required = true, description = "the server to relay to")
    String target;

    @Mixin
    LinkOptions link;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seed of the random draws (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--max-clients", paramLabel = "N", defaultValue = "64",
            description = "most clients at once; datagrams of further ones are dropped (default: ${DEFAULT-VALUE})")
    int maxClients;

    @Option(names = "--idle-timeout", paramLabel = "S", defaultValue = "60",
            description = "seconds without traffic before a client's mapping expires; 0 = never (default: ${DEFAULT-VALUE})")
    double idleTimeout;

    @Option(names = "--status", paramLabel = "S", defaultValue = "1",
            description = "seconds between status lines; 0 = none (default: ${DEFAULT-VALUE})")
    double status;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "0",
            description = "stop after this many seconds; 0 = run until interrupted (default: ${DEFAULT-VALUE})")
    double duration;

    @Option(names = "--json", description = "print the summary as one JSON object on standard output; "
            + "the lines printed while running go to standard error")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        ImpairmentRelay.Builder builder;
        try {
            LinkConfig config = link.linkConfig();
            builder = ImpairmentRelay.builder(Addresses.peer("--target", target))
                    .listen(Addresses.bind("--listen", listen)).link(config).seed(seed).maxClients(maxClients)
                    .idleTimeout(seconds("--idle-timeout", idleTimeout));
            seconds("--status", status);
            seconds("--duration", duration);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        ImpairmentRelay relay;
        try {
            relay = builder.open();
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("udpnet: cannot listen on " + listen + ": " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        out.printf("relaying %s -> %s (%s)%n", Addresses.text(relay.localAddress()),
                Addresses.text(relay.target()), link.describe());
        out.flush();
        runUntilStopped(relay, out);
        return 0;
    }

    /** Prints status lines until the duration ends or the process is interrupted, then closes and summarises. */
    private void runUntilStopped(ImpairmentRelay relay, PrintWriter out) throws InterruptedException {
        StopHook hook = new StopHook("udpnet-relay-stop", 3);
        CountDownLatch stop = hook.stop;
        long start = System.nanoTime();
        long end = duration > 0 ? start + (long) (duration * 1e9) : Long.MAX_VALUE;
        long period = status > 0 ? (long) (status * 1e9) : Long.MAX_VALUE;
        long nextStatus = status > 0 ? start + period : Long.MAX_VALUE;
        try {
            while (true) {
                long now = System.nanoTime();
                long wake = Math.min(end, nextStatus);
                if (wake == Long.MAX_VALUE) {
                    stop.await();
                } else if (wake - now > 0 && stop.await(wake - now, TimeUnit.NANOSECONDS)) {
                    break;
                }
                if (stop.getCount() == 0 || System.nanoTime() - end >= 0) {
                    break;
                }
                if (System.nanoTime() - nextStatus >= 0) {
                    out.println(statusLine(relay.stats(), System.nanoTime() - start));
                    out.flush();
                    nextStatus += period;
                }
            }
        } finally {
            relay.close();
            PrintWriter summary = spec.commandLine().getOut();
            if (json) {
                summary.println(toJson(relay, System.nanoTime() - start));
            } else {
                printSummary(summary, relay.stats(), System.nanoTime() - start);
            }
            summary.flush();
            hook.done();
        }
    }

    static String statusLine(RelayStats s, long elapsedNanos) {
        return String.format("%8.1fs  clients %d  c->s %s  s->c %s  held %d", elapsedNanos / 1e9, s.activeClients(),
                brief(s.toServer()), brief(s.toClient()), s.heldDatagrams());
    }

    private static String brief(RelayStats.Direction d) {
        return String.format("in %d out %d lost %d dup %d reord %d corrupt %d qdrop %d", d.received(), d.relayed(),
                d.lost(), d.duplicated(), d.reordered(), d.corrupted(), d.queueDropped());
    }

    private static void printSummary(PrintWriter out, RelayStats s, long elapsedNanos) {
        out.printf("relay stopped after %.1f s%n", elapsedNanos / 1e9);
        out.printf("clients         %d admitted, %d expired, %d rebinds, %d datagrams refused (client cap)%n",
                s.clientsAdmitted(), s.clientsExpired(), s.rebinds(), s.refusedDatagrams());
        summaryLine(out, "client->server", s.toServer());
        summaryLine(out, "server->client", s.toClient());
    }

    private static void summaryLine(PrintWriter out, String name, RelayStats.Direction d) {
        out.printf("%-15s %d received (%d B), %d relayed (%d B); %d lost, %d duplicated, %d reordered, "
                        + "%d corrupted, %d queue drops, %d oversize, %d over the held bound, %d send failures%n",
                name, d.received(), d.receivedBytes(), d.relayed(), d.relayedBytes(), d.lost(), d.duplicated(),
                d.reordered(), d.corrupted(), d.queueDropped(), d.oversizeDropped(), d.heldDropped(),
                d.sendFailed());
    }

    private String toJson(ImpairmentRelay relay, long elapsedNanos) {
        RelayStats s = relay.stats();
        Json settings = new Json().put("listen", listen).put("target", target);
        link.putSettings(settings).put("seed", seed).put("maxClients", maxClients)
                .put("idleTimeoutSeconds", idleTimeout).put("statusSeconds", status).put("durationSeconds", duration);
        return new Json().put("command", "relay").put("settings", settings)
                .put("address", Addresses.text(relay.localAddress())).put("runSeconds", elapsedNanos / 1e9)
                .put("clientsAdmitted", s.clientsAdmitted()).put("clientsExpired", s.clientsExpired())
                .put("rebinds", s.rebinds()).put("datagramsRefused", s.refusedDatagrams())
                .put("clientToServer", toJson(s.toServer())).put("serverToClient", toJson(s.toClient())).toString();
    }

    private static Json toJson(RelayStats.Direction d) {
        return new Json().put("datagramsReceived", d.received()).put("bytesReceived", d.receivedBytes())
                .put("datagramsRelayed", d.relayed()).put("bytesRelayed", d.relayedBytes())
                .put("datagramsLost", d.lost()).put("datagramsDuplicated", d.duplicated())
                .put("datagramsReordered", d.reordered()).put("datagramsCorrupted", d.corrupted())
                .put("datagramsDroppedQueueFull", d.queueDropped()).put("datagramsDroppedOversize", d.oversizeDropped())
                .put("datagramsDroppedHeldBound", d.heldDropped()).put("datagramsSendFailed", d.sendFailed());
    }

    private static Duration seconds(String option, double s) {
        if (!(s >= 0 && s <= 86_400)) {
            throw new IllegalArgumentException(option + ": 0..86400 seconds expected, got " + s);
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
