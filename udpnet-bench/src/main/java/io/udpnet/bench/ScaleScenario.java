package io.udpnet.bench;

import io.udpnet.ConnectionConfig;
import io.udpnet.io.DatagramIo;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the {@code scale} scenario: for each peer that takes part (udpnet's and ENet) and each count of
 * {@code --clients}, a row of its own with a fresh server and fresh clients, all its rounds in a row (thousands of
 * connections per peer, so one peer at a time), then an idle phase. The other peers are n/a with the reason.
 */
final class ScaleScenario {
    /** Most counts one {@code --clients} list may hold. */
    static final int MAX_COUNTS = 10;
    /** Most connections per count. */
    static final int MAX_CLIENTS = 100_000;
    /**
     * The idle phase's measured window: two keep-alive intervals of the default configuration, so that it holds
     * the keep-alive exchanges an idle connection really costs (and the shrinking its first one sets off).
     */
    static final long IDLE_WINDOW_NANOS = 2 * ConnectionConfig.defaults().keepAliveNanos();
    /** Quiet time before the idle window opens, for the last echoes and acks. */
    static final long IDLE_SETTLE_NANOS = 5_000_000_000L;

    private ScaleScenario() {
    }

    /**
     * Parses {@code --clients}: one count, or several separated by commas, each 1..{@value #MAX_CLIENTS}
     * ({@code _} allowed as a digit separator), no count twice, at most {@value #MAX_COUNTS}.
     *
     * @throws IllegalArgumentException saying what is wrong, without the option's name
     */
    static List<Integer> parseClients(String text) {
        List<Integer> r = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String p = part.trim().replace("_", "");
            if (p.isEmpty()) {
                throw new IllegalArgumentException("a count expected between the commas, got '" + text + "'");
            }
            int n;
            try {
                n = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a whole number expected, got '" + part.trim() + "'");
            }
            if (n < 1 || n > MAX_CLIENTS) {
                throw new IllegalArgumentException("1.." + MAX_CLIENTS + " expected, got " + n);
            }
            if (r.contains(n)) {
                throw new IllegalArgumentException(n + " given twice");
            }
            r.add(n);
        }
        if (r.size() > MAX_COUNTS) {
            throw new IllegalArgumentException("at most " + MAX_COUNTS + " counts, got " + r.size());
        }
        return r;
    }

    /**
     * The idle phase's measured window for {@code durationSeconds} per round: {@link #IDLE_WINDOW_NANOS}, or 5 s
     * without a keep-alive in it for 1-second rounds (a smoke run).
     */
    static long idleNanos(int durationSeconds) {
        return durationSeconds < 2 ? 5_000_000_000L : IDLE_WINDOW_NANOS;
    }

    /** Quiet time before the idle window for {@code durationSeconds} per round (none for a smoke run). */
    static long settleNanos(int durationSeconds) {
        return durationSeconds < 2 ? 0 : IDLE_SETTLE_NANOS;
    }

    /** Progress steps per peer: every round and the idle phase, for each count. */
    static int stepsPerPeer(BenchRun.Options o) {
        return (o.warmup() + o.iterations() + 1) * o.clients().size();
    }

    static BenchRun.Outcome run(BenchRun.Options options, Progress progress) throws Exception {
        String loadBefore = Machine.loadAverage();
        List<PeerResult> results = new ArrayList<>();
        for (String name : options.peers()) {
            String na = BenchRun.notApplicable(name, Scenario.SCALE);
            if (na != null) {
                results.add(PeerResult.notApplicable(name, na));
                progress.note("%s: skipped, %s", name, na);
                progress.skip(stepsPerPeer(options));
                continue;
            }
            for (int clients : options.clients()) {
                results.add(row(name, clients, options, progress));
            }
        }
        return new BenchRun.Outcome(Scenario.SCALE, options, results, loadBefore, Machine.loadAverage());
    }

    /** One peer at one count: its own server and clients, every round, then the idle phase. */
    private static PeerResult row(String name, int clients, BenchRun.Options options, Progress progress)
            throws Exception {
        int rounds = options.warmup() + options.iterations();
        boolean enet = name.equals("enet");
        DatagramIo io = null;
        PeerResult r;
        try {
            if (enet) {
                Peers.enetCall("EnetScale", "check", new Class<?>[] {int.class}, clients);
            } else {
                io = name.equals("udpnet-native") ? Peers.nativeIo() : DatagramIo.nio();
            }
        } catch (Peers.Unavailable e) {
            r = PeerResult.notApplicable(name, e.getMessage());
            r.scale.clients = clients;
            progress.note("%s: skipped, %s", r.label(), e.getMessage());
            progress.skip(rounds + 1);
            return r;
        }
        @SuppressWarnings("unchecked")
        List<String> config = enet ? (List<String>) Peers.enetCall("EnetScale", "configuration", new Class<?>[0])
                : ScaleRun.configuration(io);
        r = PeerResult.of(name, config);
        r.scale.clients = clients;
        try (ScaleDriver run = enet ? (ScaleDriver) Peers.enetCall("EnetScale", "open", new Class<?>[] {int.class},
                clients) : ScaleRun.open(io, clients, progress.writer(), r)) {
            progress.note("%s: %s", r.label(), run.connected(r));
            for (int round = 0; round < rounds; round++) {
                boolean counted = round >= options.warmup();
                String line = run.measure(options.durationSeconds() * 1_000_000_000L, r, counted);
                progress.step("scale round %d/%d%s %s: %s", round + 1, rounds, counted ? "" : " (warm-up)", r.peer,
                        line);
            }
            progress.step("scale idle %s: %s", r.peer, run.idle(settleNanos(options.durationSeconds()),
                    idleNanos(options.durationSeconds()), r));
        }
        return r;
    }
}
