package io.udpnet.examples;

import io.udpnet.examples.raw.TimeEchoClient;
import io.udpnet.examples.raw.TimeEchoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The raw time/echo protocol on loopback, asked through a plain DatagramChannel. */
@Timeout(60)
class TimeEchoExampleTest {
    @Test
    void answersTimeEchoAndUnknownRequests() throws Exception {
        try (TimeEchoServer server = TimeEchoServer.start(new InetSocketAddress("127.0.0.1", 0))) {
            long before = System.currentTimeMillis();
            String time = TimeEchoClient.ask(server.address(), "TIME");
            long after = System.currentTimeMillis();
            assertTrue(time != null && time.startsWith("TIME "), time);
            long millis = Long.parseLong(time.substring(5));
            assertTrue(millis >= before && millis <= after, before + " <= " + millis + " <= " + after);
            assertEquals("ECHO a b c", TimeEchoClient.ask(server.address(), "ECHO a b c"));
            assertEquals("ERROR unknown request", TimeEchoClient.ask(server.address(), "DELETE EVERYTHING"));
            // Each ask uses a new socket, so a new peer address and a new session.
            assertTrue(server.answered() >= 3, "answered " + server.answered());
            assertEquals(3, server.sessions());
        }
    }

    @Test
    void theClientCommandPrintsEachAnswer() throws Exception {
        try (TimeEchoServer server = TimeEchoServer.start(new InetSocketAddress("127.0.0.1", 0))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = TimeEchoClient.run(new String[] {Args.text(server.address()), "ECHO one", "TIME"},
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text);
            assertTrue(text.matches("(?s)ECHO one -> ECHO one \\([0-9.]+ ms\\)\nTIME -> TIME \\d+ \\([0-9.]+ ms\\)\n"),
                    text);
        }
    }
}
