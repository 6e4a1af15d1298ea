package io.udpnet.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The top-level command line: usage errors, the version, no command. */
class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void anUnknownCommandExitsWithTwoAndNamesTheToolOnce() {
        assertEquals(2, run("frobnicate"));
        assertEquals("udpnet: Unmatched argument at index 0: 'frobnicate'" + System.lineSeparator()
                + "Try 'udpnet --help'." + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void aBadOptionOfACommandPointsToThatCommandsHelp() {
        assertEquals(2, run("server", "--frobnicate"));
        assertTrue(err.toString().endsWith("Try 'udpnet server --help'." + System.lineSeparator()), err.toString());
    }

    @Test
    void noCommandPrintsTheUsageToStandardErrorAndExitsWithTwo() {
        assertEquals(2, run());
        assertTrue(err.toString().startsWith("Usage: udpnet [-hV] [COMMAND]"), err.toString());
        for (String command : new String[] {"demo", "server", "client", "relay", "sim"}) {
            assertTrue(err.toString().contains("  " + command + " "), command + " missing: " + err);
        }
        assertEquals("", out.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "demo", "server", "client", "relay", "sim"})
    void everyCommandPrintsTheVersionOfTheBuild(String command) {
        // The build passes the POM's version to the tests: the tool must print the same, not a copy of it.
        String version = System.getProperty("udpnet.version");
        assertNotNull(version, "the build sets udpnet.version for the tests");
        int code = command.isEmpty() ? run("--version") : run(command, "--version");
        assertEquals(0, code, err.toString());
        assertEquals("udpnet " + version + System.lineSeparator(), out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void helpExitsWithZero() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("Exit status: 2 for bad arguments"), out.toString());
        assertFalse(out.toString().isEmpty());
    }
}
