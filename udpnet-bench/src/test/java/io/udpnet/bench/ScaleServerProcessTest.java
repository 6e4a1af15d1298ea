package io.udpnet.bench;

import io.udpnet.messaging.MessageClient;
import io.udpnet.messaging.MessageClientConfig;
import io.udpnet.messaging.MessageConnection;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scale scenario's server JVM: it starts, answers, counts connections, and dies with its handle or stdin. */
class ScaleServerProcessTest {
    @Test
    void answersStatsCountsConnectionsAndDiesWhenClosed() throws Exception {
        StringWriter err = new StringWriter();
        ScaleServerProcess p = ScaleServerProcess.start("nio", 10, err);
        ProcessHandle child;
        try {
            assertTrue(p.port() > 0 && p.port() < 65536, "port " + p.port());
            child = ProcessHandle.of(p.pid()).orElseThrow();
            assertTrue(child.isAlive());
            ScaleServerProcess.Stats s0 = p.stats();
            assertEquals(0, s0.connections());
            assertEquals(0, s0.echoed());
            assertTrue(s0.heapBytes() > 0, "used heap " + s0.heapBytes());
            assertTrue(s0.cpuNanos() > 0, "a JVM that started used CPU: " + s0.cpuNanos());
            if (java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/status"))) {
                assertTrue(p.rssBytes() > 1 << 20, "a JVM's resident set is over 1 MiB: " + p.rssBytes());
            }
            try (MessageClient c = MessageClient.open(MessageClientConfig.builder()
                    .connection(ScaleServer.connectionConfig()).build())) {
                MessageConnection conn = c.connect(new InetSocketAddress("127.0.0.1", p.port()),
                        ByteBuffer.allocate(0), null);
                ScaleServerProcess.Stats s1 = p.cpu();
                assertEquals(1, s1.connections());
                assertEquals(-1, s1.heapBytes(), "cpu does not collect");
                assertTrue(s1.cpuNanos() >= s0.cpuNanos());
                assertTrue(conn.trySend(0, ByteBuffer.wrap(new byte[] {1, 2, 3})));
                io.udpnet.messaging.Message echo = conn.receive(java.time.Duration.ofSeconds(10));
                assertTrue(echo != null, "no echo within 10 s");
                assertArrayEquals(new byte[] {1, 2, 3}, echo.data());
                assertEquals(1, p.cpu().echoed());
            }
        } finally {
            p.close();
        }
        assertTrue(child.onExit().get(10, TimeUnit.SECONDS) != null);
        assertFalse(child.isAlive());
        assertFalse(p.isAlive());
        p.close();
        assertThrows(java.io.IOException.class, p::cpu, "a closed handle says so");
        assertFalse(err.toString().contains("Exception"), err.toString());
    }

    @Test
    void theChildExitsWhenItsStdinCloses() throws Exception {
        // What happens when the bench is killed outright: the pipe to the child's stdin closes.
        List<String> cmd = new ArrayList<>(ScaleServerProcess.command("nio", 2));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String first = p.inputReader().readLine();
            assertTrue(first != null && first.startsWith("port "), "first line " + first);
            p.getOutputStream().close();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the child still runs with its stdin closed");
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void unknownCommandsAreAnsweredWithAnError() throws Exception {
        List<String> cmd = ScaleServerProcess.command("nio", 2);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var in = p.inputReader();
            assertTrue(in.readLine().startsWith("port "));
            var out = new java.io.PrintWriter(p.outputWriter(), true);
            out.println("dance");
            assertTrue(in.readLine().startsWith("error unknown command 'dance'"));
            out.println("cpu");
            assertTrue(in.readLine().matches("cpu \\d+ connections 0 echoed 0"));
            out.println("quit");
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        Optional<ProcessHandle> h = ProcessHandle.of(p.pid());
        assertTrue(h.isEmpty() || !h.get().isAlive());
    }
}
