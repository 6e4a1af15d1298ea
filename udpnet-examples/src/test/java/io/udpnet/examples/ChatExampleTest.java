package io.udpnet.examples;

import io.udpnet.examples.chat.ChatClient;
import io.udpnet.examples.chat.ChatServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two chat clients through a chat server on loopback: one listens, the other joins, speaks and leaves. */
@Timeout(60)
class ChatExampleTest {
    @Test
    void aLineFromOneClientReachesTheOther() throws Exception {
        ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
        try (ChatServer server = ChatServer.start(new InetSocketAddress("127.0.0.1", 0),
                new PrintStream(serverLog, true, StandardCharsets.UTF_8))) {
            String address = Args.text(server.address());
            ByteArrayOutputStream bobOut = new ByteArrayOutputStream();
            CompletableFuture<Integer> bob = CompletableFuture.supplyAsync(() -> ChatClient.run(
                    new String[] {address, "--name", "bob", "--seconds", "4"}, new ByteArrayInputStream(new byte[0]),
                    new PrintStream(bobOut, true, StandardCharsets.UTF_8)));
            waitFor(() -> server.members() == 1);

            ByteArrayOutputStream aliceOut = new ByteArrayOutputStream();
            int alice = ChatClient.run(new String[] {address, "--name", "alice"},
                    new ByteArrayInputStream("hello bob\nbye\n".getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(aliceOut, true, StandardCharsets.UTF_8));
            assertEquals(0, alice, aliceOut.toString(StandardCharsets.UTF_8));
            assertEquals(0, bob.get());

            String heard = bobOut.toString(StandardCharsets.UTF_8);
            assertTrue(heard.contains("* bob joined\n* alice joined\nalice: hello bob\nalice: bye\n* alice left\n"),
                    heard);
            String log = serverLog.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("* alice joined from 127.0.0.1:") && log.contains("* alice left"), log);
        }
    }

    @Test
    void aBadAddressIsAUsageError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ChatClient.run(new String[] {"nowhere"}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("HOST:PORT expected"));
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in 20 s");
            }
            Thread.sleep(10);
        }
    }
}
