package io.udpnet.cli;

import io.udpnet.ConnectionConfig;
import io.udpnet.Delivery;
import io.udpnet.engine.ConnectionStats;
import io.udpnet.messaging.Message;
import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageConnection;
import io.udpnet.messaging.MessageServer;
import io.udpnet.messaging.MessageServerConfig;
import io.udpnet.impair.LinkConfig;
import io.udpnet.impair.ImpairmentRelay;
import io.udpnet.impair.RelayStats;
import io.udpnet.io.ServerMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code udpnet demo}: a server and several clients in one process, on loopback, through an impairment relay;
 * every channel carries traffic and every guarantee is checked on the echoes.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Starts a udpnet server and several clients in this process, on loopback, with an impairment "
                + "relay between them (loss, duplication, reordering, latency, jitter). Each client sends numbered "
                + "messages of mixed sizes (some fragmented) on four channels, one per delivery mode; the server "
                + "echoes them. A status line shows connections, messages/s, RTT, loss and retransmissions; the "
                + "summary says whether each mode's guarantee held on every echo.",
                "Exit status: 0 when every guarantee held, 1 when one did not, 2 for bad arguments."})
final class DemoCommand implements Callable<Integer> {
    private static final long DRAIN_NANOS = 30_000_000_000L;

    @Spec
    CommandSpec spec;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "8", description = "clients (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "8",
            description = "how long the clients send (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "50",
            description = "messages per second per client and channel (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "shared",
            description = "server strategy: shared, sharded or connected (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--loss", paramLabel = "P", defaultValue = "3", description = "loss, percent (default: ${DEFAULT-VALUE})")
    double loss;

    @Option(names = "--duplicate", paramLabel = "P", defaultValue = "1",
            description = "duplication, percent (default: ${DEFAULT-VALUE})")
    double duplicate;

    @Option(names = "--reorder", paramLabel = "P", defaultValue = "2",
            description = "reordering, percent (default: ${DEFAULT-VALUE})")
    double reorder;

    @Option(names = "--latency", paramLabel = "MS", defaultValue = "10",
            description = "one-way latency, each direction (default: ${DEFAULT-VALUE})")
    double latency;

    @Option(names = "--jitter", paramLabel = "MS", defaultValue = "2", description = "jitter (default: ${DEFAULT-VALUE})")
    double jitter;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "relay seed (default: ${DEFAULT-VALUE})")
    long seed;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        LinkConfig link;
        ServerMode serverMode;
        try {
            check("--clients", clients, 1, 200);
            check("--seconds", seconds, 1, 50);
            check("--rate", rate, 1, 1000);
            serverMode = ServerCommand.parseMode(mode);
            LinkOptions impairments = new LinkOptions();
            impairments.loss = loss;
            impairments.duplicate = duplicate;
            impairments.reorder = reorder;
            impairments.latency = latency;
            impairments.jitter = jitter;
            link = impairments.linkConfig();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        out = spec.commandLine().getOut();
        ConnectionConfig config = ConnectionConfig.defaults();
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder().bindAddress(loopback)
                .mode(serverMode).connection(config).build());
             ImpairmentRelay relay = ImpairmentRelay.builder(server.localAddress()).listen(loopback).link(link)
                     .seed(seed).open();
             MessageClient client = MessageClient.open(config)) {
            Thread.ofPlatform().daemon().name("demo-accept").start(() -> acceptLoop(server));
            out.printf("udpnet demo: %d clients -> relay %s (loss %.1f%%, dup %.1f%%, reorder %.1f%%, %s ms +/- %s ms"
                            + " each way) -> server %s (%s)%n", clients, Addresses.text(relay.localAddress()),
                    loss, duplicate, reorder, LinkOptions.plain(latency), LinkOptions.plain(jitter),
                    Addresses.text(server.localAddress()), server.mode().name().toLowerCase(Locale.ROOT));
            out.flush();
            List<DemoPeer> peers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                peers.add(new DemoPeer(i, client.connect(relay.localAddress())));
            }
            List<Thread> threads = new ArrayList<>();
            for (DemoPeer p : peers) {
                Thread.startVirtualThread(p::receiveLoop);
                threads.add(Thread.startVirtualThread(() -> sendLoop(p)));
            }
            Status status = new Status(peers, relay, server);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                status.print(out, "sending");
            }
            for (Thread t : threads) {
                t.interrupt();
                t.join();
            }
            long drainEnd = System.nanoTime() + DRAIN_NANOS;
            while (!peers.stream().allMatch(DemoPeer::reliableComplete) && System.nanoTime() < drainEnd) {
                Thread.sleep(200);
            }
            status.print(out, "done");
            if (System.console() != null) {
                out.println();
            }
            return summary(peers, relay.stats(), config);
        }
    }

    private void sendLoop(DemoPeer p) {
        long interval = 1_000_000_000L / rate;
        long next = System.nanoTime();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                p.sendRound();
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } catch (IOException e) {
            // interrupted while waiting for room, or the connection closed: the summary shows it
        }
    }

    /** The server side of the demo: every message goes back on its channel. */
    private static void acceptLoop(MessageServer server) {
        try {
            while (true) {
                MessageConnection c = server.accept();
                Thread.startVirtualThread(() -> {
                    try {
                        while (true) {
                            Message m = c.receive();
                            c.send(m.channel(), m.data());
                        }
                    } catch (IOException closed) {
                        // the client left
                    }
                });
            }
        } catch (IOException closed) {
            // server closed
        }
    }

    private int summary(List<DemoPeer> peers, RelayStats relay, ConnectionConfig config) {
        out.println();
        out.printf("%-22s %10s %10s %10s  %s%n", "channel", "sent", "echoed", "not sent", "guarantee");
        boolean ok = true;
        List<Delivery> channels = config.channels();
        for (int ch = 0; ch < channels.size(); ch++) {
            long sent = 0;
            long echoed = 0;
            long notSent = 0;
            for (DemoPeer p : peers) {
                sent += p.sent(ch);
                echoed += p.echoed(ch);
                notSent += p.notSent(ch);
            }
            Delivery d = channels.get(ch);
            boolean complete = !d.isReliable() || echoed == sent;
            out.printf("%-22s %10d %10d %10d  %s%n", ch + " " + name(d), sent, echoed, notSent,
                    complete ? guarantee(d) : "INCOMPLETE: " + (sent - echoed) + " reliable messages missing");
            ok &= complete;
        }
        for (DemoPeer p : peers) {
            if (p.violation() != null) {
                out.println("VIOLATED: " + p.violation());
                ok = false;
            }
        }
        out.printf("relay: %d of %d datagrams dropped, %d duplicated, %d reordered%n",
                relay.toServer().dropped() + relay.toClient().dropped(),
                relay.toServer().received() + relay.toClient().received(),
                relay.toServer().duplicated() + relay.toClient().duplicated(),
                relay.toServer().reordered() + relay.toClient().reordered());
        out.println(ok ? "every guarantee held" : "a guarantee did not hold");
        out.flush();
        return ok ? 0 : 1;
    }

    private static String guarantee(Delivery d) {
        return switch (d) {
            case RELIABLE_ORDERED -> "ok: all, once each, in order, byte-exact";
            case RELIABLE_UNORDERED -> "ok: all, once each, byte-exact";
            case UNRELIABLE_SEQUENCED -> "ok: never older, never twice, byte-exact";
            case UNRELIABLE -> "ok: at most once, byte-exact";
        };
    }

    static String name(Delivery d) {
        return d.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static void check(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + ": " + min + ".." + max + " expected, got " + value);
        }
    }

    /** The live status line. */
    private static final class Status {
        private final List<DemoPeer> peers;
        private final ImpairmentRelay relay;
        private final MessageServer server;
        private long lastReceived;
        private long lastAt;

        Status(List<DemoPeer> peers, ImpairmentRelay relay, MessageServer server) {
            this.peers = peers;
            this.relay = relay;
            this.server = server;
        }

        void print(PrintWriter out, String phase) {
            long received = peers.stream().mapToLong(DemoPeer::received).sum();
            long now = System.nanoTime();
            double rate = lastAt == 0 ? 0 : (received - lastReceived) * 1e9 / (now - lastAt);
            lastReceived = received;
            lastAt = now;
            double rtt = 0;
            long retransmissions = 0;
            int open = 0;
            for (DemoPeer p : peers) {
                if (p.connection().isOpen()) {
                    ConnectionStats s = p.connection().stats();
                    rtt += s.smoothedRttNanos() / 1e6;
                    retransmissions += s.retransmissions();
                    open++;
                }
            }
            RelayStats r = relay.stats();
            long in = r.toServer().received() + r.toClient().received();
            long dropped = r.toServer().dropped() + r.toClient().dropped();
            String line = String.format(Locale.ROOT, "%-7s connections %d, %.0f msgs/s echoed, rtt %.1f ms, "
                            + "loss %.1f%%, retransmissions %d", phase, server.connectionCount(), rate,
                    open == 0 ? 0 : rtt / open, in == 0 ? 0 : 100.0 * dropped / in, retransmissions);
            if (System.console() != null) {
                out.print("\r" + line + "   ");
            } else {
                out.println(line);
            }
            out.flush();
        }
    }
}
