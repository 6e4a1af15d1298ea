package io.udpnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Timeout(120)
class DemoCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "sharded", "connected"})
    void everyGuaranteeHoldsThroughALossyRelay(String mode) {
        int code = run("demo", "--mode", mode, "--clients", "4", "--seconds", "2", "--loss", "10", "--rate", "40");
        String text = out.toString();
        assertEquals(0, code, text + err);
        assertTrue(text.contains("every guarantee held"), text);
        // Reliable channels: everything sent came back; the summary's two columns agree.
        for (String channel : new String[] {"0 reliable-ordered", "1 reliable-unordered"}) {
            Matcher m = Pattern.compile(channel + "\\s+(\\d+)\\s+(\\d+)").matcher(text);
            assertTrue(m.find(), text);
            assertTrue(Long.parseLong(m.group(1)) >= 4 * 40, "two seconds at 40/s on four clients: " + text);
            assertEquals(m.group(1), m.group(2), text);
        }
        Matcher relay = Pattern.compile("relay: (\\d+) of (\\d+) datagrams dropped").matcher(text);
        assertTrue(relay.find(), text);
        assertTrue(Long.parseLong(relay.group(1)) > 0, "10% loss dropped something: " + text);
        assertTrue(text.contains("retransmissions"), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--clients 0", "--clients 500", "--seconds 0", "--loss 101", "--mode fast",
            "--latency -1", "--rate 0"})
    void badArgumentsExitWithTwo(String args) {
        String[] words = ("demo " + args).split(" ");
        assertEquals(2, run(words), err.toString());
        assertTrue(err.toString().startsWith("udpnet: "), err.toString());
        assertTrue(err.toString().contains("Try 'udpnet demo --help'."), err.toString());
    }
}
