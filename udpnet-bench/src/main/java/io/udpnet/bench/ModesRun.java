package io.udpnet.bench;

import io.udpnet.io.DatagramIo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code modes} scenario: udpnet's server modes side by side, each at the datagram level
 * ({@link DatagramModesRun}: a {@code UdpServer} echoing) and at the message level ({@link MessageModesRun}: a
 * {@code MessageServer} counting reliable-ordered messages), with {@code --connections} peers. Every (peer, level,
 * mode) is one row; rows take turns per round like the peers of the other scenarios, and each measurement opens a
 * fresh server and peers, loads them for {@value #WARMUP_MILLIS} ms, then measures for {@code --duration}.
 */
final class ModesRun {
    private static final long WARMUP_MILLIS = 1000;

    private ModesRun() {
    }

    /** One row: a udpnet peer's I/O at one level in one mode. */
    private record Row(PeerResult result, DatagramIo io, boolean messages, String mode) {
    }

    /** Why a peer has no server modes; null for udpnet's own peers. */
    static String notApplicable(String peer) {
        return switch (peer) {
            case "udpnet", "udpnet-native" -> null;
            case "udpnet-nocc" -> "the same as udpnet here (the datagram level has no congestion control, and the "
                    + "message level's is not what the modes compare)";
            default -> "server modes (SHARED, SHARDED, CONNECTED) are udpnet's own; the other systems have no "
                    + "such choice";
        };
    }

    static BenchRun.Outcome run(BenchRun.Options o, Progress progress) throws Exception {
        String loadBefore = Machine.loadAverage();
        List<PeerResult> results = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        int perPeer = (o.warmup() + o.iterations()) * o.modes().size() * 2;
        for (String name : o.peers()) {
            String na = notApplicable(name);
            DatagramIo io = null;
            if (na == null) {
                try {
                    io = name.equals("udpnet-native") ? Peers.nativeIo() : DatagramIo.nio();
                } catch (Peers.Unavailable e) {
                    na = e.getMessage();
                }
            }
            if (na != null) {
                results.add(PeerResult.notApplicable(name, na));
                progress.note("%s: skipped, %s", name, na);
                progress.skip(perPeer);
                continue;
            }
            for (boolean messages : new boolean[] {false, true}) {
                for (String mode : o.modes()) {
                    String label = name + " " + (messages ? "messages" : "datagrams") + " " + mode;
                    PeerResult r = PeerResult.of(label, messages ? MessageModesRun.configuration(io, o.size())
                            : DatagramModesRun.configuration(io, o.size()));
                    results.add(r);
                    rows.add(new Row(r, io, messages, mode));
                }
            }
        }
        long nanos = o.durationSeconds() * 1_000_000_000L;
        for (int round = 0; round < o.warmup() + o.iterations(); round++) {
            boolean counted = round >= o.warmup();
            for (int k = 0; k < rows.size(); k++) {
                Row row = rows.get((k + round) % rows.size());
                ModeFigures f = row.messages()
                        ? MessageModesRun.measure(row.mode(), o.connections(), row.io(), o.size(),
                                WARMUP_MILLIS * 1_000_000, nanos)
                        : DatagramModesRun.measure(row.mode(), o.connections(), row.io(), o.size(),
                                WARMUP_MILLIS * 1_000_000, nanos);
                PeerResult r = row.result();
                if (counted) {
                    r.messagesPerSecond.add(f.perSecond());
                    r.bytesPerSecond.add(f.bytesPerSecond());
                    r.cores.add(f.cores());
                    r.cpuNanos += (long) (f.cores() * nanos);
                    r.sent += f.sent();
                    r.delivered += f.delivered();
                }
                progress.step("modes round %d/%d%s %s: %,.0f/s, %.2f cores; %s", round + 1,
                        o.warmup() + o.iterations(), counted ? "" : " (warm-up)", r.peer, f.perSecond(), f.cores(),
                        f.detail());
            }
        }
        return new BenchRun.Outcome(Scenario.MODES, o, results, loadBefore, Machine.loadAverage());
    }

    /**
     * A mode as given on the command line, in upper case: SHARED, SHARDED, SHARDED:n (1..256 sockets), CONNECTED or
     * CONNECTED:n (0..100,000 connected sockets).
     *
     * @throws IllegalArgumentException when it is none of those
     */
    static String parseMode(String spec) {
        String[] ms = spec.trim().toUpperCase(Locale.ROOT).split(":", -1);
        boolean ok = ms.length <= 2 && List.of("SHARED", "SHARDED", "CONNECTED").contains(ms[0]);
        if (ok && ms.length == 2) {
            try {
                int n = Integer.parseInt(ms[1]);
                ok = ms[0].equals("SHARDED") ? n >= 1 && n <= 256 : ms[0].equals("CONNECTED") && n >= 0
                        && n <= 100_000;
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("shared, sharded, sharded:n (1..256), connected or connected:n "
                    + "(0..100000) expected, got '" + spec.trim() + "'");
        }
        return String.join(":", ms);
    }
}
