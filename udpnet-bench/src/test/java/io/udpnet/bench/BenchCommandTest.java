package io.udpnet.bench;

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

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = BenchCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
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

    /** The results of a JSON run, by peer, each as its JSON line. */
    private static List<String> results(String json, String scenario) {
        assertTrue(json.startsWith("{\"scenario\": \"" + scenario + "\", \"machine\": \""), json);
        assertTrue(json.contains("\"results\": ["), json);
        List<String> rows = new ArrayList<>();
        Matcher m = RESULT.matcher(json);
        while (m.find()) {
            rows.add(m.group());
        }
        return rows;
    }

    private static double number(String row, String field) {
        Matcher m = Pattern.compile("\"" + field + "\": ([0-9.]+)").matcher(row);
        assertTrue(m.find(), field + " in " + row);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void throughputWithRawAndUdpnetPrintsOneJsonObject() {
        Run r = run("throughput", "--peers", "raw,udpnet", "--duration", "1", "--warmup", "0", "--iterations", "1",
                "--json");
        assertEquals(0, r.status(), r.err());
        List<String> rows = results(r.out(), "throughput");
        assertEquals(2, rows.size(), r.out());
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
        Run r = run("bulk", "--peers", "raw,udpnet", "--duration", "1", "--warmup", "0", "--iterations", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("bulk: 1 MiB messages"), r.out());
        assertTrue(r.out().contains("| peer | messages/s (mean ± sd) | MB/s |"), r.out());
        assertTrue(Pattern.compile("(?m)^\\| raw \\| [0-9,]+ ± ").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("(?m)^\\| udpnet \\| [0-9,]+ ± ").matcher(r.out()).find(), r.out());
    }

    @Test
    void pingpongWithRawAndUdpnetWritesAReportWithAChart(@TempDir Path dir) throws Exception {
        Run r = run("pingpong", "--peers", "raw,udpnet", "--duration", "1", "--warmup", "0", "--iterations", "1",
                "--rate", "200", "--json", "--report", dir.toString());
        assertEquals(0, r.status(), r.err());
        List<String> rows = results(r.out(), "pingpong");
        assertEquals(2, rows.size(), r.out());
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
        Run r = run("throughput", "--peers", "kcp", "--size", "400000", "--duration", "1", "--warmup", "0",
                "--iterations", "1", "--json");
        assertEquals(0, r.status(), r.err());
        List<String> rows = results(r.out(), "throughput");
        assertEquals(1, rows.size(), r.out());
        assertTrue(rows.get(0).matches("\\{\"peer\": \"kcp\", \"notApplicable\": \".*at most.+\"}"), rows.get(0));
        assertTrue(r.err().contains("kcp: skipped"), r.err());
    }

    @Test
    void lossWithRawAndUdpnetComparesEveryCellWithTheTheory() {
        Run r = run("loss", "--peers", "raw,udpnet", "--duration", "1", "--warmup", "0", "--iterations", "1",
                "--rate", "100", "--json");
        assertEquals(0, r.status(), r.err());
        List<String> rows = results(r.out(), "loss");
        assertEquals(2, rows.size(), r.out());
        assertTrue(rows.get(0).matches("\\{\"peer\": \"raw\", \"notApplicable\": \".+\"}"), rows.get(0));
        Matcher cell = Pattern.compile("\\{\"lossProbability\": ([0-9.]+), \"fragments\": (\\d+), \"sent\": (\\d+), "
                + "\"delivered\": (\\d+), \"deliveryRate\": ([0-9.]+), \"theory\": ([0-9.]+)}").matcher(rows.get(1));
        int cells = 0;
        while (cell.find()) {
            cells++;
            double p = Double.parseDouble(cell.group(1));
            int n = Integer.parseInt(cell.group(2));
            long sent = Long.parseLong(cell.group(3));
            long delivered = Long.parseLong(cell.group(4));
            assertEquals(100, sent, cell.group());
            assertTrue(delivered <= sent, cell.group());
            assertEquals(Math.pow(1 - p, n), Double.parseDouble(cell.group(6)), 1e-5, cell.group());
            if (n == 1) {
                // One datagram per message: at 1% or 5% loss, most of 100 arrive.
                assertTrue(delivered >= 80, cell.group());
            }
        }
        assertEquals(LossRun.LOSS.length * LossRun.FRAGMENTS.length, cells, rows.get(1));
    }

    @Test
    void scaleWithRawAndUdpnetEchoesEveryMessageAndMeasuresTheServerProcess() {
        Run r = run("scale", "--peers", "raw,udpnet", "--clients", "50", "--duration", "1", "--warmup", "0",
                "--iterations", "1", "--json");
        assertEquals(0, r.status(), r.err());
        List<String> rows = results(r.out(), "scale");
        assertEquals(2, rows.size(), r.out());
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
        Run r = run("modes", "--peers", "raw,udpnet", "--modes", "shared,connected:2", "--connections", "4",
                "--duration", "1", "--warmup", "0", "--iterations", "1", "--json");
        assertEquals(0, r.status(), r.err());
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
        Run r = run("loss", "--peers", "enet", "--duration", "1", "--warmup", "0", "--iterations", "1", "--rate",
                "100", "--json");
        assertEquals(0, r.status(), r.err());
        List<String> rows = results(r.out(), "loss");
        assertEquals(1, rows.size(), r.out());
        org.junit.jupiter.api.Assumptions.assumeFalse(rows.get(0).contains("notApplicable"),
                "ENet cannot run here: " + rows.get(0));
        Matcher cell = Pattern.compile("\\{\"lossProbability\": ([0-9.]+), \"fragments\": (\\d+), \"sent\": (\\d+), "
                + "\"delivered\": (\\d+)").matcher(rows.get(0));
        int cells = 0;
        while (cell.find()) {
            cells++;
            long sent = Long.parseLong(cell.group(3));
            long delivered = Long.parseLong(cell.group(4));
            assertEquals(100, sent, cell.group());
            assertTrue(delivered <= sent, cell.group());
            if (Integer.parseInt(cell.group(2)) == 1) {
                assertTrue(delivered >= 80, cell.group());
            }
        }
        assertEquals(LossRun.LOSS.length * LossRun.FRAGMENTS.length, cells, rows.get(0));
    }

    @Test
    void scaleWithEnetEchoesEveryPeersMessagesWithinItsPeerCap() {
        Run r = run("scale", "--peers", "enet", "--clients", "20", "--duration", "1", "--warmup", "0",
                "--iterations", "1", "--json");
        assertEquals(0, r.status(), r.err());
        List<String> rows = results(r.out(), "scale");
        assertEquals(1, rows.size(), r.out());
        org.junit.jupiter.api.Assumptions.assumeFalse(rows.get(0).contains("notApplicable"),
                "ENet cannot run here: " + rows.get(0));
        String e = rows.get(0);
        assertEquals(400, number(e, "sent"), e);
        assertTrue(number(e, "delivered") > 0 && number(e, "delivered") <= 400, e);
        assertTrue(!e.contains("heapBytesPerConnection"), "ENet's peers are not on the heap: " + e);
        assertTrue(number(e, "p50Micros") > 0 && number(e, "p50Micros") <= number(e, "maxMicros"), e);

        Run over = run("scale", "--peers", "enet", "--clients", "5000", "--duration", "1", "--warmup", "0",
                "--iterations", "1", "--json");
        assertEquals(0, over.status(), over.err());
        assertTrue(over.out().contains("\"notApplicable\": \""), over.out());
    }
}
