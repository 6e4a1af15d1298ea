package io.udpnet.examples;

import io.udpnet.examples.sync.GameClient;
import io.udpnet.examples.sync.GameServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two players watch a 30 Hz game server on loopback for a few seconds. */
@Timeout(60)
class GameExampleTest {
    @Test
    void snapshotsArriveInTickOrderAndEventsArriveAll() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (GameServer server = GameServer.start(new InetSocketAddress("127.0.0.1", 0),
                new PrintStream(log, true, StandardCharsets.UTF_8))) {
            CompletableFuture<GameClient.Outcome> first = CompletableFuture.supplyAsync(() -> play(server, 3.5));
            ChatExampleTest.waitFor(() -> log.toString(StandardCharsets.UTF_8).contains("player 1 joined"));
            GameClient.Outcome second = play(server, 2.5);
            GameClient.Outcome one = first.get();

            for (GameClient.Outcome o : new GameClient.Outcome[] {one, second}) {
                assertEquals(0, o.backwards(), o.toString());
                assertTrue(o.snapshots() > 5, o.toString());   // 30 a second; a loaded machine may tick late
                assertTrue(o.sawSelf(), o.toString());
                assertTrue(o.lastTick() > o.firstTick(), o.toString());
                assertTrue(o.missed() >= 0, o.toString());
                assertTrue(o.events().getFirst().equals("welcome " + o.playerId()), o.toString());
            }
            assertEquals(1, one.playerId());
            assertEquals(2, second.playerId());
            // Reliable and ordered: the first player is told of the second's arrival and departure, in that order.
            int join = one.events().indexOf("join 2");
            int leave = one.events().indexOf("leave 2");
            assertTrue(join >= 0 && leave > join, one.events().toString());
            assertTrue(one.events().stream().anyMatch(e -> e.startsWith("score 1 ")), one.events().toString());
        }
    }

    @Test
    void theCommandPrintsASummary() throws Exception {
        try (GameServer server = GameServer.start(new InetSocketAddress("127.0.0.1", 0),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = GameClient.run(new String[] {Args.text(server.address()), "--seconds", "1"},
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text);
            assertTrue(text.matches("(?s)player 1: \\d+ snapshots \\(ticks \\d+\\.\\.\\d+, \\d+ missed, 0 out of order\\).*"),
                    text);
        }
    }

    private static GameClient.Outcome play(GameServer server, double seconds) {
        try {
            return GameClient.play(server.address(), Duration.ofMillis((long) (seconds * 1000)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
