package io.udpnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.udpnet.cli.ChatCommandsTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code server --dtls} and {@code client --dtls}: chat over DTLS 1.2. */
@Timeout(60)
class SecureChatCommandTest {
    private static final Pattern FINGERPRINT = Pattern.compile("SHA-256 fingerprint ([0-9A-Fa-f:]{95})");

    private static Run client(InputStream in, String... args) {
        return new Run(Main.configure(new CommandLine(new ClientCommand(in))), args);
    }

    @Test
    void aChatLineGoesRoundTripOverDtls() throws Exception {
        int port = ChatCommandsTest.freePort();
        String address = "127.0.0.1:" + port;
        Run server = new Run(Main.commandLine(), "server", "--dtls", "--bind", address);
        server.await("the server", () -> server.out().contains("secure chat server"));
        Matcher m = FINGERPRINT.matcher(server.err.toString());
        assertTrue(m.find(), server.err.toString());
        String fingerprint = m.group(1);
        assertTrue(server.out().contains("client --dtls --fingerprint " + fingerprint + " " + address), server.out());

        PipedOutputStream in = new PipedOutputStream();
        Run a = client(new PipedInputStream(in), "--dtls", "--fingerprint", fingerprint, address);
        a.await("a connected", () -> a.out().contains("connected to " + address + " over DTLS 1.2"));
        in.write("secret hello\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        a.await("the line echoed", () -> a.out().contains(": secret hello"));
        assertTrue(Pattern.compile("(?m)^127\\.0\\.0\\.1:\\d{1,5}: secret hello$").matcher(a.out()).find(), a.out());
        in.close();
        assertEquals(0, a.exit.get(), a.err.toString());
        assertTrue(a.out().contains("closed: APPLICATION (end of input)"), a.out());

        // A plain client hears nothing from a secure server: its connect times out (exit 1).
        Run plain = client(InputStream.nullInputStream(), address);
        assertEquals(1, plain.exit.get());
        assertTrue(plain.err.toString().startsWith("udpnet: cannot connect to " + address), plain.err.toString());

        // A wrong fingerprint fails the connect with the DTLS reason.
        Run wrong = client(InputStream.nullInputStream(), "--dtls", "--fingerprint", "00".repeat(32), address);
        assertEquals(1, wrong.exit.get());
        assertTrue(wrong.err.toString().contains("DTLS"), wrong.err.toString());

        server.thread.interrupt();
        assertEquals(0, server.exit.get());
        assertTrue(server.out().contains("server stopped"), server.out());
    }

    @Test
    void badClientDtlsArgumentsExitWithTwo() {
        String[][] cases = {
                {"client", "--fingerprint", "00".repeat(32), "127.0.0.1:7000"},
                {"client", "--insecure", "127.0.0.1:7000"},
                {"client", "--dtls", "--insecure", "--fingerprint", "00".repeat(32), "127.0.0.1:7000"},
                {"client", "--dtls", "--fingerprint", "abc", "127.0.0.1:7000"},
                {"client", "--dtls", "--trust", "/nonexistent/ca.pem", "127.0.0.1:7000"},
        };
        for (String[] args : cases) {
            StringWriter err = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            cl.setOut(new PrintWriter(new StringWriter(), true));
            assertEquals(2, cl.execute(args), String.join(" ", args) + ": " + err);
            assertTrue(err.toString().contains("Try 'udpnet client --help'"), err.toString());
        }
    }

    @Test
    void helpDescribesSecureChat() {
        for (String command : new String[] {"server", "client"}) {
            StringWriter out = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            assertEquals(0, cl.execute(command, "--help"));
            assertTrue(out.toString().contains("--dtls"), out.toString());
            assertFalse(out.toString().contains("not there yet"), out.toString());
        }
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.execute("client", "--help");
        assertTrue(out.toString().contains("--fingerprint") && out.toString().contains("--insecure")
                && out.toString().contains("--trust"), out.toString());
    }
}
