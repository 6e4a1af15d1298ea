package io.udpnet.bench;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code udpnet bench}: argument errors, the JSON shape, and one short run of each scenario with raw and udpnet. */
class BenchCommandTest {
    private static final Pattern RESULT = Pattern.compile("\\{\"peer\": \"([a-z-]+)\".*}");
    private static final Pattern LOSS_CELL = Pattern.compile("\\{\"lossProbability\": ([0-9.]+), \"fragments\": "
            + "(\\d+), \"sent\": (\\d+), \"delivered\": (\\d+)[^}]*}");

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = BenchCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    /** A run that must succeed. */
    private static Run succeeded(String... args) {
        Run r = run(args);
        assertEquals(0, r.status(), r.err());
        return r;
    }

    private static void assertArgumentError(String option, String... args) {
        Run r = run(args);
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains(option), "the error names " + option + ": " + r.err());
        assertTrue(r.out().isEmpty(), "nothing measured: " + r.out());
    }

    @Test
    void argumentErrorsExitWithTwoAndNameTheOption() {
        assertArgumentError("SCENARIO", "sprint");
        assertArgumentError("SCENARIO");
        assertArgumentError("--peers", "throughput", "--peers", "raw,carrier-pigeon");
        assertArgumentError("--peers", "throughput", "--peers", "raw,raw");
        assertArgumentError("--duration", "throughput", "--duration", "0");
        assertArgumentError("--duration", "throughput", "--duration", "soon");
        assertArgumentError("--size", "throughput", "--size", "8");
        assertArgumentError("--rate", "pingpong", "--rate", "0");
        assertArgumentError("--iterations", "bulk", "--iterations", "0");
        assertArgumentError("--colour", "bulk", "--colour", "red");
        assertArgumentError("--modes", "modes", "--modes", "shared,wobbly");
        assertArgumentError("--modes", "modes", "--modes", "sharded:0");
        assertArgumentError("--modes", "modes", "--modes", "shared,SHARED");
        assertArgumentError("--connections", "modes", "--connections", "0");
    }

    @Test
    void helpListsScenariosAndOptions() {
        Run r = run("--help");
        assertEquals(0, r.status());
        for (String s : List.of("SCENARIO", "throughput", "bulk", "pingpong", "--peers", "--duration", "--json",
                "--report", "--rate", "--size", "modes", "--modes", "--connections", "quic")) {
            assertTrue(r.out().contains(s), s + " in " + r.out());
        }
    }

    /** The results of a JSON run, by peer, each as its JSON line; there must be one per peer asked for. */
    private static List<String> results(Run r, String scenario, int peers) {
        String json = r.out();
        assertTrue(json.startsWith("{\"scenario\": \"" + scenario + "\", \"machine\": \""), json);
        assertTrue(json.contains("\"results\": ["), json);
        List<String> rows = new ArrayList<>();
        Matcher m = RESULT.matcher(json);
        while (m.find()) {
            rows.add(m.group());
        }
        assertEquals(peers, rows.size(), json);
        return rows;
    }

    /** The one row of a JSON run of ENet alone; skips the test where ENet cannot run. */
    private static String enetResult(Run r, String scenario) {
        String row = results(r, scenario, 1).get(0);
        Assumptions.assumeFalse(row.contains("notApplicable"), "ENet cannot run here: " + row);
        return row;
    }

    /** A cell of a loss row: what was sent and delivered at one loss probability and fragment count. */
    private record LossCell(double loss, int fragments, long sent, long delivered, String json) {
    }

    /**
     * The cells of a loss row at {@code --rate 100}, each checked: 100 messages sent and no more delivered, most of
     * them where one datagram carries a message (at 1% or 5% loss); and one cell for every loss and fragment count.
     */
    private static List<LossCell> lossCells(String row) {
        Matcher m = LOSS_CELL.matcher(row);
        List<LossCell> cells = new ArrayList<>();
        while (m.find()) {
            LossCell c = new LossCell(Double.parseDouble(m.group(1)), Integer.parseInt(m.group(2)),
                    Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), m.group());
            assertEquals(100, c.sent(), c.json());
            assertTrue(c.delivered() <= c.sent(), c.json());
            if (c.fragments() == 1) {
                assertTrue(c.delivered() >= 80, c.json());
            }
            cells.add(c);
        }
        assertEquals(LossRun.LOSS.length * LossRun.FRAGMENTS.length, cells.size(), row);
        return cells;
    }

    private static double number(String row, String field) {
        Matcher m = Pattern.compile("\"" + field + "\": ([0-9.]+)").matcher(row);
        assertTrue(m.find(), field + " in " + row);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void throughputWithRawAndUdpnetPrintsOneJsonObject() {
        Run r = succeeded("throughput", "--peers", "raw,udpnet", "--duration", "1", "--warmup", "0",
                "--iterations", "1", "--json");
        List<String> rows = results(r, "throughput", 2);
        assertTrue(rows.get(0).startsWith("{\"peer\": \"raw\""), rows.get(0));
        assertTrue(rows.get(1).startsWith("{\"peer\": \"udpnet\""), rows.get(1));
        for (String row : rows) {
            for (String field : List.of("messagesPerSecond", "megabytesPerSecond", "cpuCores", "delivered",
                    "sent")) {
                number(row, field);
            }
            assertTrue(row.contains("\"config\": [\""), row);
            assertTrue(number(row, "messagesPerSecond") > 0, row);
            assertTrue(number(row, "delivered") > 0 && number(row, "delivered") <= number(row, "sent"), row);
        }
        // udpnet's channel is reliable: everything sent arrives.
        assertEquals(number(rows.get(1), "sent"), number(rows.get(1), "delivered"), rows.get(1));
        assertTrue(r.err().contains("100%"), "the progress bar ends full: " + r.err());
    }

    @Test
    void bulkWithRawAndUdpnetPrintsATable() {
        Run r = succeeded("bulk", "--peers", "raw,udpnet", "--duration", "1", "--warmup", "0", "--iterations",
                "1");
        assertTrue(r.out().startsWith("bulk: 1 MiB messages"), r.out());
        assertTrue(r.out().contains("| peer | messages/s (mean ± sd) | MB/s |"), r.out());
        assertTrue(Pattern.compile("(?m)^\\| raw \\| [0-9,]+ ± ").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("(?m)^\\| udpnet \\| [0-9,]+ ± ").matcher(r.out()).find(), r.out());
    }

    @Test
    void pingpongWithRawAndUdpnetWritesAReportWithAChart(@TempDir Path dir) throws Exception {
        Run r = succeeded("pingpong", "--peers", "raw,udpnet", "--duration", "1", "--warmup", "0", "--iterations",
                "1", "--rate", "200", "--json", "--report", dir.toString());
        List<String> rows = results(r, "pingpong", 2);
        for (String row : rows) {
            double p50 = number(row, "p50Micros");
            assertTrue(p50 > 0 && p50 <= number(row, "p99Micros") && number(row, "p99Micros")
                    <= number(row, "p999Micros") && number(row, "p999Micros") <= number(row, "maxMicros"), row);
            assertEquals(200, number(row, "sent"), row);
        }
        assertEquals(200, number(rows.get(1), "delivered"), rows.get(1));
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("Command: `udpnet bench pingpong --peers raw,udpnet"), md);
        assertTrue(md.contains("| raw | ") && md.contains("| udpnet | ") && md.contains("![pingpong](pingpong.png)"),
                md);
        assertTrue(md.contains("target pingpong: p99 udpnet / raw"), md);
        byte[] png = Files.readAllBytes(dir.resolve("pingpong.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
    }

    @Test
    void aPeerThatCannotRunIsListedAsNotApplicable() {
        // KCP's message mode numbers fragments in one byte: 400,000-byte messages are beyond it, on any machine.
        Run r = succeeded("throughput", "--peers", "kcp", "--size", "400000", "--duration", "1", "--warmup", "0",
                "--iterations", "1", "--json");
        List<String> rows = results(r, "throughput", 1);
        assertTrue(rows.get(0).matches("\\{\"peer\": \"kcp\", \"notApplicable\": \".*at most.+\"}"), rows.get(0));
        assertTrue(r.err().contains("kcp: skipped"), r.err());
    }

    @Test
    void lossWithRawAndUdpnetComparesEveryCellWithTheTheory() {
        Run r = succeeded("loss", "--peers", "raw,udpnet", "--duration", "1", "--warmup", "0", "--iterations", "1",
                "--rate", "100", "--json");
        List<String> rows = results(r, "loss", 2);
        assertTrue(rows.get(0).matches("\\{\"peer\": \"raw\", \"notApplicable\": \".+\"}"), rows.get(0));
        for (LossCell c : lossCells(rows.get(1))) {
            assertTrue(c.json().contains(", \"deliveryRate\": "), c.json());
            assertEquals(Math.pow(1 - c.loss(), c.fragments()), number(c.json(), "theory"), 1e-5, c.json());
        }
    }

    @Test
    void scaleWithRawAndUdpnetEchoesEveryMessageAndMeasuresTheServerProcess() {
        Run r = succeeded("scale", "--peers", "raw,udpnet", "--clients", "50", "--duration", "1", "--warmup", "0",
                "--iterations", "1", "--json");
        List<String> rows = results(r, "scale", 2);
        assertTrue(rows.get(0).matches("\\{\"peer\": \"raw\", \"notApplicable\": \".+\"}"), rows.get(0));
        String u = rows.get(1);
        assertEquals(50, number(u, "clients"), u);
        // 50 connections × 20 messages/s × 1 s, each echoed over a reliable channel on loopback.
        assertEquals(1000, number(u, "sent"), u);
        assertEquals(number(u, "sent"), number(u, "delivered"), u);
        assertEquals(0, number(u, "lost"), u);
        assertTrue(number(u, "p50Micros") > 0 && number(u, "p50Micros") <= number(u, "maxMicros"), u);
        // The server process's own figures: it held 50 connections and echoed 1,000 messages.
        assertTrue(number(u, "heapBytesPerConnection") > 0, u);
        assertTrue(number(u, "serverCpuMicrosPerMessage") > 0, u);
        assertTrue(number(u, "serverCpuCores") > 0, u);
        assertTrue(number(u, "cpuCores") > 0, u);
        assertTrue(number(u, "handshakesPerSecond") > 0, u);
        assertTrue(number(u, "serverCpuMicrosPerHandshake") > 0, u);
        assertTrue(number(u, "idleSeconds") > 0, u);
        number(u, "idleServerCpuCores");
        number(u, "idleHeapBytesPerConnection");
        if (Files.exists(Path.of("/proc/self/status"))) {
            assertTrue(u.contains("\"rssBytesPerConnection\": "), "RSS is read on Linux: " + u);
        }
        assertTrue(!r.err().contains("Exception"), "nothing failed, here or in the server process: " + r.err());
        assertTrue(r.err().contains("100%"), "the progress bar ends full: " + r.err());
    }

    @Test
    void scaleClientCountsAreCheckedBeforeAnythingRuns() {
        assertArgumentError("--clients", "scale", "--peers", "udpnet", "--clients", "0");
        assertArgumentError("--clients", "scale", "--peers", "udpnet", "--clients", "100001");
        assertArgumentError("--clients", "scale", "--peers", "udpnet", "--clients", "1000,,5000");
        assertArgumentError("--clients", "scale", "--peers", "udpnet", "--clients", "1000,many");
        assertArgumentError("--clients", "scale", "--peers", "udpnet", "--clients", "1000,1000");
    }

    @Test
    void modesWithRawAndUdpnetMeasuresBothLevelsPerMode() {
        Run r = succeeded("modes", "--peers", "raw,udpnet", "--modes", "shared,connected:2", "--connections", "4",
                "--duration", "1", "--warmup", "0", "--iterations", "1", "--json");
        assertTrue(r.out().startsWith("{\"scenario\": \"modes\", \"machine\": \""), r.out());
        Matcher m = Pattern.compile("\\{\"peer\": \"([^\"]+)\".*}").matcher(r.out());
        List<String> peers = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        while (m.find()) {
            peers.add(m.group(1));
            rows.add(m.group());
        }
        assertEquals(List.of("raw", "udpnet datagrams SHARED", "udpnet datagrams CONNECTED:2",
                "udpnet messages SHARED", "udpnet messages CONNECTED:2"), peers, r.out());
        assertTrue(rows.get(0).contains("\"notApplicable\": \"server modes"), rows.get(0));
        for (String row : rows.subList(1, rows.size())) {
            assertTrue(number(row, "messagesPerSecond") > 0 && number(row, "cpuCores") > 0, row);
            assertTrue(number(row, "delivered") > 0, row);
        }
        // The message level is reliable: the run fails if anything is missing, and counts what the window took.
        assertEquals(number(rows.get(3), "sent"), number(rows.get(3), "delivered"), rows.get(3));
    }

    @Test
    void lossWithEnetComparesItsUnreliableFragmentsWithTheTheory() {
        Run r = succeeded("loss", "--peers", "enet", "--duration", "1", "--warmup", "0", "--iterations", "1",
                "--rate", "100", "--json");
        lossCells(enetResult(r, "loss"));
    }

    @Test
    void scaleWithEnetEchoesEveryPeersMessagesWithinItsPeerCap() {
        Run r = succeeded("scale", "--peers", "enet", "--clients", "20", "--duration", "1", "--warmup", "0",
                "--iterations", "1", "--json");
        String e = enetResult(r, "scale");
        assertEquals(400, number(e, "sent"), e);
        assertTrue(number(e, "delivered") > 0 && number(e, "delivered") <= 400, e);
        assertTrue(!e.contains("heapBytesPerConnection"), "ENet's peers are not on the heap: " + e);
        assertTrue(number(e, "p50Micros") > 0 && number(e, "p50Micros") <= number(e, "maxMicros"), e);

        Run over = succeeded("scale", "--peers", "enet", "--clients", "5000", "--duration", "1", "--warmup", "0",
                "--iterations", "1", "--json");
        assertTrue(over.out().contains("\"notApplicable\": \""), over.out());
    }
}
