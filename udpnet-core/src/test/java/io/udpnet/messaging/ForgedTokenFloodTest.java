package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.engine.Connection;
import io.udpnet.engine.EndpointStats;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SHARDED server under a flood of data datagrams with valid headers and CRCs but tokens no shard has, half of them
 * tagged for the other shard: each shard handles them where they arrive (counted, answered at most by a rate-limited
 * reset) and forwards none, while a real client's echoes keep working.
 */
@Timeout(60)
class ForgedTokenFloodTest {
    private static final int FORGED = 4000;

    @Test
    void forgedTokensAreHandledWhereTheyArriveAndNeverForwarded() throws Exception {
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(ServerMode.SHARDED).shards(2)
                .connection(ConnectionConfig.defaults()).build());
             MessageClient client = MessageClient.open(ConnectionConfig.defaults());
             DatagramChannel forger = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(MessagingEchoTest.WAIT);
            Thread.startVirtualThread(() -> MessagingEchoTest.echo(s));

            SplittableRandom random = new SplittableRandom(42);
            long worst = 0;
            ByteBuffer out = ByteBuffer.allocate(2048);
            for (int i = 0; i < FORGED; i++) {
                long token = random.nextLong() & ~1L | (i & 1);   // tagged for shard 0 and 1 in turn
                Connection forged = Connection.established(ConnectionConfig.defaults(), token, (ch, b, o, l) -> { });
                forged.send(0, ByteBuffer.wrap(new byte[]{(byte) i}));
                forged.pollTransmit(out, 0);
                forger.send(out, server.localAddress());
                if (i % 200 == 0) {
                    long start = System.nanoTime();
                    roundTrip(c, "during the flood " + i);
                    worst = Math.max(worst, System.nanoTime() - start);
                }
            }
            roundTrip(c, "after the flood");
            MessageServerStats stats = server.stats();
            assertEquals(2, stats.endpoints().size(), "two shards");
            assertEquals(0, stats.forwarded(), "no forged datagram crossed shards: " + stats);
            assertEquals(0, stats.forwardDrops());
            long unknown = stats.endpoints().stream().mapToLong(EndpointStats::unknownToken).sum();
            // Loopback may drop some when the machine is busy; most must have been seen and counted.
            assertTrue(unknown > FORGED / 4, "counted where they arrived: " + unknown + " of " + FORGED);
            long resets = stats.endpoints().stream().mapToLong(EndpointStats::resets).sum();
            assertTrue(resets >= 1 && resets <= unknown, "answered with resets within the rate: " + resets);
            // Reported, not asserted (wall-clock time on a shared machine): the legitimate client's slowest echo.
            System.out.printf("ForgedTokenFloodTest: %d forged datagrams, slowest echo during the flood %.1f ms, %s%n",
                    FORGED, worst / 1e6, stats.endpoints());
        }
    }

    private static void roundTrip(MessageConnection c, String text) throws Exception {
        byte[] data = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        c.send(0, data);
        Message m = c.receive(MessagingEchoTest.WAIT);
        assertNotNull(m, "no echo for '" + text + "'");
        assertArrayEquals(data, m.data());
    }
}
