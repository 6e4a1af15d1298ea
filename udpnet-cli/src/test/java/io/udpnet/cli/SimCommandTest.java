package io.udpnet.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private long field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?[0-9.]+)").matcher(json);
        assertTrue(m.find(), name + " missing in " + json);
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void jsonReportsEveryFieldAndReliableDeliveryIsComplete() {
        int code = run("sim", "--json", "--delivery", "reliable-ordered", "--messages", "500", "--sizes", "32,3000",
                "--loss", "5", "--duplicate", "2", "--reorder", "3", "--latency", "20", "--jitter", "1", "--seed", "9");
        String json = out.toString().trim();
        assertEquals(0, code, json + err);
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        assertEquals(500, field(json, "messagesSent"));
        assertEquals(500, field(json, "messagesDelivered"));
        assertEquals(0, field(json, "messagesDuplicated"));
        assertEquals(0, field(json, "messagesOutOfOrder"));
        assertEquals(0, field(json, "messagesCorrupted"));
        assertTrue(field(json, "datagramsSent") > 0);
        assertTrue(field(json, "packetsRetransmitted") > 0, "5% loss must cause retransmissions: " + json);
        assertTrue(field(json, "simulatedMillis") >= 40, "at least one 40 ms round trip: " + json);
        assertTrue(field(json, "handshakeMillis") >= 80, "the handshake takes two round trips: " + json);
        assertTrue(field(json, "rttMillis") >= 38, "2 x (20 ms - 1 ms jitter) at least: " + json);
        assertTrue(field(json, "congestionWindowBytes") >= 4 * 1200, "a congestion window of at least four datagrams: " + json);
        assertTrue(field(json, "bytesDelivered") == 250 * 32 + 250 * 3000, json);
        assertTrue(json.contains("\"outcome\":\"held\""), json);
        // The settings are echoed, so a result can be told apart from another without the command line.
        assertTrue(json.contains("\"settings\":{\"delivery\":\"reliable-ordered\",\"messages\":500,"
                + "\"sizesBytes\":[32,3000],\"lossPercent\":5.0,\"duplicatePercent\":2.0,\"reorderPercent\":3.0,"
                + "\"corruptPercent\":0.0,\"latencyMillis\":20.0,\"jitterMillis\":1.0,\"bandwidthKbitPerSecond\":0,"
                + "\"seed\":9,\"maxTimeSeconds\":600.0}"), json);
    }

    @Test
    void bandwidthLimitsTheRate() {
        assertEquals(0, run("sim", "--json", "--bandwidth", "1000", "--latency", "10", "--messages", "500",
                "--sizes", "1000"));
        String json = out.toString().trim();
        // 500 kB at 1 Mbit/s take at least 4 s of simulated time.
        assertTrue(field(json, "simulatedMillis") >= 4000, json);
        assertEquals(500_000, field(json, "bytesDelivered"));
        // 4 Mbit of payload over at most 1 Mbit/s of link: goodput is positive and below the link rate.
        double goodput = Double.parseDouble(json.replaceAll(".*\"goodputMbitPerSecond\":([0-9.]+).*", "$1"));
        assertTrue(goodput > 0.5 && goodput <= 1.0, json);
    }

    @Test
    void summaryIsReadable() {
        assertEquals(0, run("sim", "--delivery", "sequenced", "--messages", "200", "--loss", "10"));
        assertTrue(out.toString().contains("UNRELIABLE_SEQUENCED"), out.toString());
        assertTrue(out.toString().contains("guarantees      held"), out.toString());
    }

    @Test
    void flowsShareABottleneckAndTheJsonSaysHowFairly() {
        assertEquals(0, run("sim", "--json", "--flows", "2", "--stagger", "500", "--duration", "4", "--warmup", "2",
                "--bandwidth", "5000", "--latency", "10", "--sizes", "1000", "--congestion", "newreno"));
        String json = out.toString();
        assertTrue(json.contains("\"congestion\":\"NEW_RENO\""), json);
        assertEquals(2, json.split("\"startMillis\"").length - 1, json);
        assertEquals(500, field(json.substring(json.lastIndexOf("\"startMillis\"")), "startMillis"));
        for (String name : new String[] {"goodputShare", "jainIndex", "linkUse", "p50", "p99", "max", "queueDrops"}) {
            field(json, name);
        }
        assertTrue(json.contains("\"jainIndex\":0.9") || json.contains("\"jainIndex\":1.0"), json);
    }

    @Test
    void flowsSummaryIsReadable() {
        assertEquals(0, run("sim", "--flows", "2", "--duration", "3", "--warmup", "1", "--bandwidth", "5000"));
        assertTrue(out.toString().contains("Jain's index"), out.toString());
        assertTrue(out.toString().contains("flow 2"), out.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--loss=-1", "--loss=101", "--delivery=fast", "--sizes=2", "--messages=0",
            "--latency=-5", "--bandwidth=-1", "--jitter=abc", "--no-such-flag", "--max-time=0", "--max-time=-1",
            "--congestion=cubic", "--queue=0", "--flows=0", "--flows=2 --bandwidth=0"})
    void badArgumentsExitWithTwoAndSayWhy(String arg) {
        assertEquals(2, run(("sim " + arg).split(" ")));
        assertTrue(err.toString().startsWith("udpnet: "), err.toString());
        assertTrue(err.toString().contains("Try 'udpnet sim --help'."), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void hittingTheTimeLimitIsNotABrokenGuarantee() {
        int code = run("sim", "--messages", "1000000", "--loss", "30", "--latency", "50", "--max-time", "2");
        assertEquals(SimCommand.TIME_LIMIT, code, out.toString());
        assertEquals(3, code);
        assertTrue(out.toString().contains("guarantees      none broken, but the run hit the simulated-time limit "
                + "(--max-time 2 s) before it finished; raise --max-time to let it finish"), out.toString());
        assertTrue(out.toString().contains("violations      0 duplicates, 0 out of order, 0 corrupted"),
                out.toString());
        assertTrue(!out.toString().contains("BROKEN"), out.toString());
    }

    @Test
    void timeLimitInJson() {
        assertEquals(3, run("sim", "--json", "--messages", "1000000", "--latency", "50", "--max-time", "0.5"));
        String json = out.toString().trim();
        assertTrue(json.contains("\"timeLimitReached\":true"), json);
        assertTrue(json.contains("\"guaranteesHeld\":false"), json);
        assertTrue(json.contains("\"outcome\":\"time-limit\""), json);
        assertTrue(field(json, "simulatedMillis") >= 500 && field(json, "simulatedMillis") <= 501, json);
    }

    @Test
    void aConnectionThatNeverOpensBreaksReliableDelivery() {
        // Nothing gets through: the client gives up after its one-minute connect time-out, long before the limit.
        int code = run("sim", "--messages", "10", "--loss", "100");
        assertEquals(1, code, out.toString());
        assertTrue(out.toString().contains("handshake       FAILED (no connection)"), out.toString());
        assertTrue(out.toString().contains("guarantees      BROKEN"), out.toString());
    }
}
