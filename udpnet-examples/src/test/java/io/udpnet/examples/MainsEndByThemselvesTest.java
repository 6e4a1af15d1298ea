package io.udpnet.examples;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each server example as a program of its own: it starts on loopback, stops after --seconds, and refuses bad input. */
@Timeout(120)
class MainsEndByThemselvesTest {
    @ParameterizedTest
    @ValueSource(strings = {"chat.ChatServer", "sync.GameServer", "files.FileReceiver", "raw.TimeEchoServer"})
    void aServerStopsAfterItsSeconds(String main) throws Exception {
        Path dir = Files.createTempDirectory("udpnet-example");
        Process p = start(dir, main, "--bind", "127.0.0.1:0", "--seconds", "1");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), main + " still running");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains(" on 127.0.0.1:"), out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat.ChatServer", "sync.GameServer", "files.FileReceiver", "raw.TimeEchoServer"})
    void aBadArgumentExitsWithTwo(String main) throws Exception {
        Process p = start(Files.createTempDirectory("udpnet-example"), main, "--seconds", "soon");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), main + " still running");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("usage: "), out);
    }

    private static Process start(Path dir, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "io.udpnet.examples." + main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    }
}
