package io.udpnet.messaging;

import io.udpnet.ConnectionConfig;
import io.udpnet.io.ServerMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link MessageServerConfig.Builder#serverId}: the id sits in the token's low bits, the shard index above it. */
@Timeout(60)
class ServerIdTest {

    @Test
    void tokensCarryTheServerIdBelowTheShardIndexAndClientsStillMoveBetweenShards() throws Exception {
        try (MessageServer server = MessageServer.open(MessageServerConfig.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).mode(ServerMode.SHARDED).shards(2)
                .serverId(5, 3).build());
             MessageClient client = MessageClient.open(ConnectionConfig.defaults())) {
            MessageConnection c = client.connect(server.localAddress());
            MessageConnection s = server.accept(MessagingEchoTest.WAIT);
            Thread.startVirtualThread(() -> MessagingEchoTest.echo(s));
            long token = c.driver().engine().token();
            assertEquals(5, token & 7, "server id in the low 3 bits: " + Long.toHexString(token));
            for (int i = 0; i < 40 && server.stats().forwarded() == 0; i++) {
                client.rebind(c);
                roundTrip(c, "move " + i);
            }
            assertTrue(server.stats().forwarded() > 0, "a move landed on the other shard and was forwarded by the "
                    + "shard bits above the id");
            roundTrip(c, "settled");
        }
        assertThrows(IllegalArgumentException.class, () -> MessageServerConfig.builder().mode(ServerMode.SHARDED)
                .shards(4).serverId(1, 7).build(), "7 id bits and 2 shard bits do not fit in 8");
    }

    private static void roundTrip(MessageConnection c, String text) throws Exception {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        c.send(0, data);
        Message m = c.receive(MessagingEchoTest.WAIT);
        assertNotNull(m, "no echo for '" + text + "'");
        assertArrayEquals(data, m.data());
    }
}
